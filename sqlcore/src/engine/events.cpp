// Engine events: the listener hub and the statement log built on it.
#include <algorithm>
#include <cstdio>
#include <string>

#include "engine/event_hub.hpp"
#include "sqlcore/core/error.hpp"

namespace sqlcore {

const char* to_string(EventKind k) {
  switch (k) {
    case EventKind::connect:
      return "connect";
    case EventKind::checkout:
      return "checkout";
    case EventKind::checkin:
      return "checkin";
    case EventKind::before_execute:
      return "before_execute";
    case EventKind::after_execute:
      return "after_execute";
    case EventKind::commit:
      return "commit";
    case EventKind::rollback:
      return "rollback";
    case EventKind::error:
      return "error";
  }
  return "unknown";
}

const char* to_string(LogLevel l) {
  switch (l) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warning:
      return "warning";
    case LogLevel::error:
      return "error";
    case LogLevel::off:
      return "off";
  }
  return "unknown";
}

LogLevel parse_log_level(std::string_view text) {
  std::string l(text);
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  for (LogLevel v :
       {LogLevel::debug, LogLevel::info, LogLevel::warning, LogLevel::error, LogLevel::off})
    if (l == to_string(v)) return v;
  if (l == "warn") return LogLevel::warning;
  throw ArgumentError("unknown log level '" + std::string(text) +
                      "' (the levels are debug, info, warning, error and off)");
}

Logger stream_logger(std::FILE* out) {
  return [out](const LogRecord& r) {
    // One fwrite per line: stdio locks the stream for the call, so lines never interleave.
    std::string line;
    line.reserve(r.message.size() + 16);
    line += to_string(r.level);
    line += ' ';
    line += r.message;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), out);
  };
}

namespace detail {

void EventHub::fire(const Snapshot& s, const Event& e) noexcept {
  for (const auto& [id, fn] : s.by_kind[static_cast<unsigned>(e.kind)]) {
    try {
      fn(e);
    } catch (...) {
      // A listener never makes the work fail.
    }
  }
}

void EventHub::publish(std::unique_ptr<Snapshot> s) {
  std::uint32_t mask = 0;
  for (int k = 0; k < kEventKinds; ++k)
    if (!s->by_kind[k].empty()) mask |= 1u << k;
  current_.store(s.get(), std::memory_order_release);
  mask_.store(mask, std::memory_order_relaxed);
  kept_.push_back(std::move(s));
}

ListenerId EventHub::add(std::initializer_list<EventKind> kinds, Listener fn) {
  if (!fn) throw ArgumentError("listen(): the listener is empty");
  std::lock_guard lock(mu_);
  const Snapshot* old = current_.load(std::memory_order_acquire);
  auto next = old ? std::make_unique<Snapshot>(*old) : std::make_unique<Snapshot>();
  const ListenerId id = next_id_++;
  for (EventKind k : kinds) next->by_kind[static_cast<unsigned>(k)].emplace_back(id, fn);
  publish(std::move(next));
  return id;
}

void EventHub::remove(ListenerId id) {
  std::lock_guard lock(mu_);
  const Snapshot* old = current_.load(std::memory_order_acquire);
  if (!old) return;
  auto next = std::make_unique<Snapshot>(*old);
  for (auto& v : next->by_kind) std::erase_if(v, [id](const auto& p) { return p.first == id; });
  publish(std::move(next));
}

namespace {

void add_ms(std::string& out, std::chrono::nanoseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(d.count()) / 1e6);
  out += buf;
}

// `text` on one line: line breaks and tabs become spaces.
void add_one_line(std::string& out, std::string_view text) {
  for (char c : text) out += c == '\n' || c == '\r' || c == '\t' ? ' ' : c;
}

std::string head(const Event& e) {
  std::string out = "sqlcore[";
  out += e.backend;
  if (e.replica != 0) out += " replica " + std::to_string(e.replica);
  out += "]";
  if (e.connection_id != 0) out += " #" + std::to_string(e.connection_id);
  out += ' ';
  return out;
}

void add_statement(std::string& out, const Event& e) {
  if (e.param_sets != 1) out += ", " + std::to_string(e.param_sets) + " parameter sets";
  if (e.rows >= 0) out += ", " + std::to_string(e.rows) + (e.rows == 1 ? " row" : " rows");
  out += ": ";
  add_one_line(out, abbreviate_sql(e.sql));  // the SQL cut to a length fit for a log
  if (e.param_names && !e.param_names->empty()) {
    out += " [params";
    for (std::size_t i = 0; i < e.param_names->size(); ++i)
      out += (i == 0 ? " :" : ", :") + (*e.param_names)[i];
    out += ']';
  }
}

}  // namespace

void install_statement_log(EventHub& hub, bool echo,
                           std::optional<std::chrono::microseconds> slow_query, LogLevel level,
                           Logger logger) {
  const bool debug = level == LogLevel::debug;
  if (level == LogLevel::off || (!echo && !slow_query && !debug)) return;
  if (!logger) logger = stream_logger(stderr);
  auto emit = [logger](LogLevel l, const std::string& message, const Event& e) {
    logger(LogRecord{l, message, e});
  };
  // Failures, whenever the log is on (any level but off lets errors through).
  hub.add({EventKind::error}, [emit](const Event& e) {
    std::string m = head(e) + "failed after ";
    add_ms(m, e.duration);
    m += ": ";
    add_one_line(m, e.error ? std::string_view(e.error->what()) : e.sql);
    emit(LogLevel::error, m, e);
  });
  const bool log_all = (echo || debug) && level <= LogLevel::info;
  const auto threshold = level <= LogLevel::warning ? slow_query : std::nullopt;
  if (log_all || threshold) {
    hub.add({EventKind::after_execute, EventKind::commit, EventKind::rollback},
            [emit, log_all, threshold](const Event& e) {
              if (threshold && e.duration >= *threshold) {
                std::string m = head(e) + "slow statement ";
                add_ms(m, e.duration);
                m += " (slow_query ";
                add_ms(m, *threshold);
                m += ')';
                add_statement(m, e);
                emit(LogLevel::warning, m, e);
              } else if (log_all) {
                std::string m = head(e);
                add_ms(m, e.duration);
                add_statement(m, e);
                emit(LogLevel::info, m, e);
              }
            });
  }
  if (debug) {
    hub.add({EventKind::connect, EventKind::checkout, EventKind::checkin}, [emit](const Event& e) {
      std::string m = head(e) + to_string(e.kind);
      if (e.kind != EventKind::checkin) {
        m += e.kind == EventKind::connect ? " in " : " after waiting ";
        add_ms(m, e.duration);
      }
      emit(LogLevel::debug, m, e);
    });
  }
}

}  // namespace detail

}  // namespace sqlcore
