# sources.mk
#     The one list of dynsec's source files. The Makefile includes it; CMakeLists.txt
#     reads the core list from it, so the two builds cannot drift apart.

# PostgreSQL-free C++ core: unit-tested without a server, compiled without
# PostgreSQL's include path in both builds.
DYNSEC_CORE_SOURCES = \
	extension/core/error.cpp \
	extension/core/lease_id.cpp \
	extension/core/password_generator.cpp \
	extension/core/random_source.cpp \
	extension/core/retry_backoff.cpp \
	extension/core/scram_verifier.cpp \
	extension/core/statement_template.cpp \
	extension/core/username_template.cpp \
	extension/core/vault_duration.cpp

# Guards (login hook, tamper-proof managed roles), part of dynsec.so.
DYNSEC_GUARD_SOURCES = \
	extension/guard/guard_settings.cpp \
	extension/guard/login_guard.cpp \
	extension/guard/managed_roles.cpp \
	extension/guard/tamper_guard.cpp

# PostgreSQL-facing code of dynsec.so.
DYNSEC_PG_SOURCES = \
	extension/pg/audit_log.cpp \
	extension/pg/boundary.cpp \
	extension/pg/boundary_selftest.cpp \
	extension/pg/function_args.cpp \
	extension/pg/issue_function.cpp \
	extension/pg/lease_binding.cpp \
	extension/pg/misc_functions.cpp \
	extension/pg/module.cpp \
	extension/pg/owner_context.cpp \
	extension/pg/renew_function.cpp \
	extension/pg/revocation.cpp \
	extension/pg/revoke_functions.cpp \
	extension/pg/role_validation.cpp \
	extension/pg/scram_acceptance.cpp \
	extension/pg/spi_session.cpp \
	extension/pg/sql_quoting.cpp \
	extension/pg/subtransaction.cpp \
	extension/pg/wakeup.cpp

# The in-server reaper (launcher, per-database reapers), part of dynsec.so.
DYNSEC_REAPER_SOURCES = \
	reaper/database_lifecycle_hook.cpp \
	reaper/database_reaper.cpp \
	reaper/launcher.cpp \
	reaper/reaper_registry.cpp \
	reaper/reaper_settings.cpp
