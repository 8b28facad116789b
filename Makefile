# Makefile — builds osconf, runs the demo, the tests, the fuzzer and the benchmark.
# `make demo` and `make check` first install missing Debian packages (as root) via mk/deps.sh.
# SPDX-License-Identifier: Apache-2.0

VERSION    := 0.1.0
CC         ?= cc
PKG_CONFIG ?= pkg-config
# The agent is one static binary: the same file runs in any image, whatever its C library.
# Every library comes from the static archive its Debian -dev package ships.
PKGS       := blkid libcrypt ext2fs com_err zlib liblzma libzstd liblz4
BUILD      := build
PREFIX     ?= /usr
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system
DESTDIR    ?=

# ARCH=arm64 cross-builds into build-arm64/ with Debian's aarch64-linux-gnu-gcc; the arm64
# libraries are :arm64 packages or, where those would displace the amd64 ones, .debs unpacked
# by mk/deps.sh into build-arm64/sysroot (its .pc files point into it). Same flags, same tests.
HOST_ARCH  := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
ifneq ($(origin ARCH),command line)
ARCH       := $(HOST_ARCH)
endif
ifneq ($(ARCH),$(HOST_ARCH))
ifneq ($(ARCH),arm64)
$(error ARCH=$(ARCH): the build knows the host's architecture and arm64)
endif
BUILD      := build-arm64
CC         := aarch64-linux-gnu-gcc
AR         := aarch64-linux-gnu-ar
SYSROOT    := $(CURDIR)/$(BUILD)/sysroot
PKG_CONFIG := PKG_CONFIG_LIBDIR=$(SYSROOT)/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/lib/aarch64-linux-gnu/pkgconfig pkg-config
endif

# CFLAGS and LDFLAGS are the packager's (`make CFLAGS="-O2 -g"`); the project's own flags are
# in OSCONF_CFLAGS/OSCONF_LDFLAGS and always apply. WERROR=1 (set by `make check` and CI)
# turns warnings into errors; V=1 prints full commands.
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
            $(if $(filter 1,$(WERROR)),-Werror)
OSCONF_CFLAGS := -std=gnu11 $(WARN) -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE \
            -Isrc -DOSCONF_VERSION='"$(VERSION)"'
# static-pie (ASLR for a static binary) where the toolchain has glibc's rcrt1.o, else -static.
# --fatal-warnings: glibc warns when a static link pulls in NSS (getpwnam, getaddrinfo, …),
# which would need the build machine's shared libraries at run time — that fails the build.
STATIC   := $(if $(wildcard $(shell $(CC) -print-file-name=rcrt1.o)),-static-pie,-static)
OSCONF_LDFLAGS := $(STATIC) -Wl,-z,relro,-z,now -Wl,--fatal-warnings
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --static --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(OSCONF_CFLAGS) $(CFLAGS) $(PKG_CFLAGS)
ifeq ($(V),1)
Q :=
else
Q := @
endif

SRCS     := $(sort $(shell find src -name '*.c' ! -name main.c))
OBJS     := $(SRCS:%.c=$(BUILD)/%.o) $(BUILD)/gen/dist.o
# Init integration that `osconf install` writes, compiled into the binary (dist/ stays the source).
DIST_FILES := $(sort $(wildcard dist/systemd/* dist/sysv/* dist/openrc/*))
DEPFILES := $(OBJS:.o=.d) $(BUILD)/src/main.d

FUZZ_SRCS  := $(sort $(wildcard src/conf/*.c src/util/*.c)) src/sys/root.c
# The image fuzz target runs all of `image check`: the readers and checks and what they use.
FUZZ_IMAGE_SRCS := $(sort $(wildcard src/image/*.c src/tree/*.c src/sys/*.c src/util/*.c) src/locate/sniff.c)
FUZZ_IMAGE_HDRS := $(sort $(wildcard src/image/*.h src/tree/*.h src/sys/*.h src/util/*.h) src/locate/sniff.h)
# Sanitizer builds cannot be static: the same libraries, linked dynamically.
PKG_DYNLIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps deps-check demo check faults test unit fuzz fuzz-image bench bench-boot image install uninstall clean deb rpm
all: $(BUILD)/osconf

deps:
	@mk/deps.sh build

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/dist.c: mk/embed.sh $(DIST_FILES)
	@echo "  GEN     $@"
	@mkdir -p $(dir $@)
	@mk/embed.sh $(DIST_FILES) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/dist.o: $(BUILD)/gen/dist.c src/install/dist.h
	@echo "  CC      $<"
	$(Q)$(CC) $(OSCONF_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libosconf.a: $(OBJS)
	@rm -f $@
	@$(AR) rcs $@ $^

$(BUILD)/osconf: $(BUILD)/src/main.o $(BUILD)/libosconf.a
	@echo "  LD      $@"
	$(Q)$(CC) $(OSCONF_CFLAGS) $(CFLAGS) $(OSCONF_LDFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libosconf.a tests/unit/unit.h tests/unit/scratch_root.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit $(shell $(PKG_CONFIG) --cflags cmocka) $< -o $@ \
		$(BUILD)/libosconf.a $(PKG_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

$(BUILD)/tests/shadow-verify: tests/tools/shadow-verify.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $< -o $@ -lcrypt

$(BUILD)/tests/fsview-tree: tests/tools/fsview-tree.c $(BUILD)/libosconf.a
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $< -o $@ $(BUILD)/libosconf.a $(PKG_LIBS)

# Corpus replay of the fuzz target, built with gcc sanitizers (the libFuzzer build is `make fuzz`).
$(BUILD)/tests/fuzz-replay: tests/fuzz/fuzz_conf.c tests/fuzz/replay.c $(FUZZ_SRCS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -Isrc $(PKG_CFLAGS) \
		tests/fuzz/fuzz_conf.c tests/fuzz/replay.c $(FUZZ_SRCS) -o $@

# The same for disk images (tests/fuzz/fuzz_image.c); replayed by tests/fuzz/image-replay.t.
$(BUILD)/tests/fuzz-image-replay: tests/fuzz/fuzz_image.c tests/fuzz/replay.c $(FUZZ_IMAGE_SRCS) $(FUZZ_IMAGE_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) -std=gnu11 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -Isrc $(PKG_CFLAGS) \
		tests/fuzz/fuzz_image.c tests/fuzz/replay.c $(FUZZ_IMAGE_SRCS) -o $@ $(PKG_DYNLIBS)

fuzz: deps
	@mk/deps.sh fuzz
	@mkdir -p $(BUILD)/fuzz-corpus
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc $(PKG_CFLAGS) \
		tests/fuzz/fuzz_conf.c $(FUZZ_SRCS) -o $(BUILD)/fuzz_conf
	$(BUILD)/fuzz_conf -max_total_time=$${FUZZ_SECONDS:-60} -max_len=4096 \
		-dict=tests/fuzz/osconf.dict $(BUILD)/fuzz-corpus tests/fuzz/corpus

# FUZZ_SECONDS (default 60) of libFuzzer over tests/fuzz/corpus-image and seeds made by
# tests/fuzz/mkseeds-image.sh; new inputs go to $(BUILD)/fuzz-image-corpus, crashes to
# $(BUILD)/fuzz-image-artifacts/. ASan's quarantine is cut (default 256 MiB) to fit the RSS limit.
fuzz-image: deps
	@mk/deps.sh fuzz
	@mkdir -p $(BUILD)/fuzz-image-corpus $(BUILD)/fuzz-image-artifacts
	tests/fuzz/mkseeds-image.sh $(BUILD)/fuzz-image-seeds
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc $(PKG_CFLAGS) \
		tests/fuzz/fuzz_image.c $(FUZZ_IMAGE_SRCS) -o $(BUILD)/fuzz_image $(PKG_DYNLIBS)
	ASAN_OPTIONS=$${ASAN_OPTIONS:-quarantine_size_mb=32} $(BUILD)/fuzz_image -max_total_time=$${FUZZ_SECONDS:-60} \
		-rss_limit_mb=256 -malloc_limit_mb=256 -timeout=$${FUZZ_TIMEOUT:-10} -print_final_stats=1 \
		-artifact_prefix=$(BUILD)/fuzz-image-artifacts/ \
		$(BUILD)/fuzz-image-corpus tests/fuzz/corpus-image $(BUILD)/fuzz-image-seeds

demo: deps
	@$(MAKE) --no-print-directory $(BUILD)/osconf $(BUILD)/tests/shadow-verify
	@tests/demo.sh

check:
	@mk/deps.sh check
	@$(MAKE) --no-print-directory WERROR=1 $(BUILD)/osconf $(UNIT_BINS) $(BUILD)/tests/fuzz-replay \
		$(BUILD)/tests/fuzz-image-replay $(BUILD)/tests/shadow-verify $(BUILD)/tests/fsview-tree
	@if command -v aarch64-linux-gnu-gcc >/dev/null && [ -e build-arm64/sysroot/.complete ]; then \
		$(MAKE) --no-print-directory ARCH=arm64 WERROR=1 build-arm64/osconf $(UNIT_BINS:$(BUILD)/%=build-arm64/%); \
	else echo "  SKIP    arm64 build: no cross compiler or sysroot (mk/deps.sh arm64)"; fi
	@tests/run-all

# The reference Customized Linux image (Debian 12 with GRUB and osconf; as root, mk/image.sh):
# `make image && build/osconf image try $(BUILD)/osconf-debian12.raw` shows the whole flow.
# ARCH=arm64: the arm64 image (UEFI, GPT) with build-arm64/osconf installed by the host's osconf.
ifeq ($(ARCH),$(HOST_ARCH))
image: $(BUILD)/osconf
	@mk/deps.sh image
	@mk/image.sh $(BUILD)/osconf $(BUILD)/osconf-debian12.raw
else
image: $(BUILD)/osconf
	@$(MAKE) --no-print-directory ARCH=$(HOST_ARCH) build/osconf
	@mk/deps.sh image
	@mk/image.sh build/osconf $(BUILD)/osconf-debian12.raw arm64 $(BUILD)/osconf
endif

# tests/faults/inject.t and install-faults.t at every file-system call (make check runs a sample)
faults:
	@$(MAKE) --no-print-directory WERROR=1 $(BUILD)/osconf $(BUILD)/tests/shadow-verify
	@FAULTS_FULL=1 OSCONF=$(CURDIR)/$(BUILD)/osconf OSCONF_SRC=$(CURDIR) tests/faults/inject.t
	@FAULTS_FULL=1 OSCONF=$(CURDIR)/$(BUILD)/osconf OSCONF_SRC=$(CURDIR) tests/faults/install-faults.t

bench: deps
	@mk/deps.sh bench
	@$(MAKE) --no-print-directory $(BUILD)/osconf
	@tests/bench/run

# first boots under QEMU: osconf, cloud-init doing the same job, neither (tests/bench/boot)
bench-boot: deps
	@mk/deps.sh bench-boot
	@$(MAKE) --no-print-directory $(BUILD)/osconf
	@tests/bench/boot

install: $(BUILD)/osconf
	install -D -m 0755 $(BUILD)/osconf $(DESTDIR)$(SBINDIR)/osconf
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	sed 's|/usr/sbin/osconf|$(SBINDIR)/osconf|' dist/systemd/osconf.service > $(DESTDIR)$(UNITDIR)/osconf.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/osconf.service
	install -m 0644 dist/systemd/osconf-ssh-keygen.service dist/systemd/osconf-machine-id.service $(DESTDIR)$(UNITDIR)/
	install -m 0644 man/osconf.8 $(DESTDIR)$(MANDIR)/man8/osconf.8
	install -m 0644 man/os.conf.5 $(DESTDIR)$(MANDIR)/man5/os.conf.5

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/osconf $(DESTDIR)$(UNITDIR)/osconf.service \
		$(DESTDIR)$(UNITDIR)/osconf-ssh-keygen.service $(DESTDIR)$(UNITDIR)/osconf-machine-id.service \
		$(DESTDIR)$(MANDIR)/man8/osconf.8 $(DESTDIR)$(MANDIR)/man5/os.conf.5

# Packages (unit enabled by the deb's postinst / the rpm's preset); `make check` tests both.
deb: $(BUILD)/osconf
	@mk/deps.sh pkg
	@mk/pkg.sh deb $(VERSION) $(ARCH) $(BUILD)

rpm: $(BUILD)/osconf
	@mk/deps.sh pkg
	@mk/pkg.sh rpm $(VERSION) $(ARCH) $(BUILD)

clean:
	rm -rf $(BUILD)

# A cross build first fetches its libraries (no root needed once the packages are installed).
ifdef SYSROOT
$(OBJS) $(BUILD)/src/main.o $(UNIT_BINS): | $(SYSROOT)/.complete
$(SYSROOT)/.complete:
	@ARM64_SYSROOT=$(SYSROOT) mk/deps.sh arm64
endif

-include $(DEPFILES)
