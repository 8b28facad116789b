/* commands.c — the one table of subcommands (one row per command, implemented in cmd_*.c). */
#include "cli/cli.h"

const struct command commands[] = {
	{ "check", cmd_check, "FILE", "validate an os.conf; every problem as FILE:LINE: message" },
	{ "show", cmd_show, "FILE [--json]", "print the parsed settings (the password only as set/unset)" },
	{ "plan", cmd_plan, "[--conf FILE] [--root DIR] [--backend NAME] [--no-live]",
	  "print every change apply would make; change nothing" },
	{ "apply", cmd_apply, "[--conf FILE] [--root DIR] [--backend NAME] [--no-live] [--keep]",
	  "apply os.conf, then remove it (unless --keep)" },
	{ "watch", cmd_watch, "[--dir DIR] [--root DIR] [--backend NAME] [--no-live] [--debounce MS] [--once]",
	  "stay running; apply os.conf whenever it appears or changes (inotify)" },
	{ "install", cmd_install, "[--root DIR] [--init auto|systemd|sysv|openrc] [--partition UUID=…|LABEL=…]",
	  "put osconf and its boot integration into an image tree and enable it" },
	{ "uninstall", cmd_uninstall, "[--root DIR]", "undo install (aliyun_custom_image/ is kept)" },
	{ "locate", cmd_locate, "[--root DIR]", "show where os.conf is found (device, how, fs, mount) and why" },
	{ "image", cmd_image, "check IMAGE|--root DIR [--json]",
	  "check a disk image (raw/qcow2/VHD/VMDK) or tree against the Customized Linux rules before upload" },
};
const int commands_count = sizeof(commands) / sizeof(commands[0]);
