// The umbrella header: everything a sqlcore user needs.
#pragma once

#include "sqlcore/core/error.hpp"
#include "sqlcore/core/time.hpp"
#include "sqlcore/core/url.hpp"
#include "sqlcore/core/value.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/dialect/registry.hpp"
#include "sqlcore/engine/connection.hpp"
#include "sqlcore/engine/engine.hpp"
#include "sqlcore/engine/result.hpp"
#include "sqlcore/engine/row.hpp"
#include "sqlcore/engine/transaction.hpp"
#include "sqlcore/sql/text.hpp"
