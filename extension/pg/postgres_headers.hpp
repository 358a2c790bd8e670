/*
 * postgres_headers.hpp
 *     The way PostgreSQL's C headers enter dynsec's C++ code.
 *
 * postgres.h must come first and everything is C linkage. Files under
 * extension/core/ never include this (their build has no server include
 * path, so an attempt fails to compile).
 */
#pragma once

extern "C" {
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/elog.h"
#include "utils/memutils.h"
}
