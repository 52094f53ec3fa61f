// The copy command's progress display: a bar per table redrawn in place on a terminal, plain
// lines otherwise (when a table's first batch is written, every five seconds, and when it is done).
#include "cli_internal.hpp"

#include <cstdio>

namespace sqlcore::cli {

namespace {

using Clock = std::chrono::steady_clock;

// "1:05" or "1:02:03".
std::string clock_text(double s) {
  const long t = static_cast<long>(s + 0.5);
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  return buf;
}

}  // namespace

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string rate_text(std::int64_t rows, Clock::duration elapsed) {
  const double s = seconds(elapsed);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f rows/s", s > 0 ? static_cast<double>(rows) / s : 0.0);
  return buf;
}

ProgressDisplay::ProgressDisplay(std::ostream& out, bool terminal, bool lines)
    : out_(out), terminal_(terminal), lines_(lines) {}

void ProgressDisplay::operator()(const transfer::Progress& p) {
  const auto now = Clock::now();
  const bool first = p.table != table_;  // a line when a table starts loading, too
  if (first) {
    table_ = p.table;
    table_start_ = last_draw_ = now;
  }
  const auto elapsed = now - table_start_;
  if (terminal_) {
    if (!p.finished && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    out_ << '\r' << "\033[K" << bar(p, elapsed) << (p.finished ? "\n" : "") << std::flush;
  } else if (lines_ && (first || p.finished || now - last_draw_ >= std::chrono::seconds(5))) {
    last_draw_ = now;
    out_ << p.table << ": " << p.rows_done << '/' << p.rows_total << " rows, "
         << rate_text(p.rows_done, elapsed) << (p.finished ? ", done" : "") << '\n'
         << std::flush;
  }
}

// "messages  [#########-----------]  45%  123456/270000 rows  54321 rows/s  ETA 0:03"
std::string ProgressDisplay::bar(const transfer::Progress& p, Clock::duration elapsed) const {
  constexpr int k_width = 24;
  const double part = p.rows_total > 0 ? static_cast<double>(p.rows_done) / p.rows_total : 1.0;
  const int filled = static_cast<int>(std::min(part, 1.0) * k_width);
  const double s = seconds(elapsed);
  std::string line =
      p.table + "  [" + std::string(filled, '#') + std::string(k_width - filled, '-') + "]  ";
  char pct[8];
  std::snprintf(pct, sizeof pct, "%3d%%", static_cast<int>(std::min(part, 1.0) * 100));
  line += std::string(pct) + "  " + std::to_string(p.rows_done) + "/" +
          std::to_string(p.rows_total) + " rows  " + rate_text(p.rows_done, elapsed);
  if (p.finished)
    line += "  " + clock_text(s);
  else if (p.rows_done > 0 && s > 0)
    line += "  ETA " + clock_text(s / static_cast<double>(p.rows_done) *
                                  static_cast<double>(p.rows_total - p.rows_done));
  return line;
}

}  // namespace sqlcore::cli
