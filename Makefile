# Makefile
#     PGXS build of dynsec: `make && make install` builds and installs the
#     extension (and the dynsec-reaper daemon when CMake is available);
#     `make installcheck` runs the pg_regress suite in sql/ + expected/.

include extension/sources.mk

MODULE_big = dynsec
OBJS = $(DYNSEC_CORE_SOURCES:.cpp=.o) $(DYNSEC_PG_SOURCES:.cpp=.o) $(DYNSEC_GUARD_SOURCES:.cpp=.o) \
	$(DYNSEC_REAPER_SOURCES:.cpp=.o)
DATA = extension/dynsec.control extension/dynsec--0.1.0.sql
MODULEDIR = extension
PGFILEDESC = "dynsec - dynamic database credentials"

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --outputdir=. --load-extension=dynsec

DYNSEC_VERSION = 0.1.0
PG_CONFIG ?= pg_config

# Our C++ is held to -Wall -Wextra -Werror; PostgreSQL's headers are system
# headers for this purpose (-isystem), so their warnings are not ours.
# -MMD -MP: PGXS does not track header dependencies unless PostgreSQL itself
# was configured with --enable-depend; a stale object after a header change
# would silently disagree about class layouts.
DYNSEC_CXXFLAGS = -std=c++17 -Wall -Wextra -Werror -MMD -MP -I$(srcdir)/extension -I$(srcdir)
PG_CXXFLAGS = $(DYNSEC_CXXFLAGS) -DDYNSEC_VERSION='"$(DYNSEC_VERSION)"'
PG_CPPFLAGS = -isystem $(shell $(PG_CONFIG) --includedir-server)
# The module is linked by the C compiler, so the C++ runtime is named explicitly.
SHLIB_LINK = -lstdc++ -lcrypto -lfmt

# PGXS would also compile every .cpp to LLVM bitcode for JIT inlining, with
# its own flags (ignoring PG_CXXFLAGS) and a clang that may not be installed.
# dynsec's functions are not worth inlining into JIT-compiled queries.
override with_llvm := no

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# The core must not see PostgreSQL: compile it without the server include path,
# so an #include of a PostgreSQL header there fails to build.
DYNSEC_CORE_OBJS = $(DYNSEC_CORE_SOURCES:.cpp=.o)
$(DYNSEC_CORE_OBJS): override CPPFLAGS := -D_GNU_SOURCE

-include $(OBJS:.o=.d)
EXTRA_CLEAN = $(OBJS:.o=.d)

# dynsec-reaper and the GoogleTest suites are CMake's job.
CMAKE_BUILD_DIR ?= build
.PHONY: reaper-cli install-reaper-cli
reaper-cli:
	@if [ -z "$(wildcard $(srcdir)/reaper/cli/*.cpp)" ]; then :; \
	elif command -v cmake >/dev/null 2>&1; then \
		cmake -S $(srcdir) -B $(CMAKE_BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null && \
		cmake --build $(CMAKE_BUILD_DIR) --target dynsec-reaper -j2; \
	else echo "cmake not found: skipping dynsec-reaper"; fi

all: reaper-cli
install: install-reaper-cli
install-reaper-cli:
	@if [ -x $(CMAKE_BUILD_DIR)/dynsec-reaper ]; then \
		$(INSTALL_PROGRAM) $(CMAKE_BUILD_DIR)/dynsec-reaper '$(DESTDIR)$(bindir)/dynsec-reaper'; fi
