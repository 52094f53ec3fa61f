// The unit of work's thread binding, and the id, token and hash helpers.
#include "trinity/db/db.hpp"

#include "bytes.hpp"
#include "models.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace trinity::db {

namespace {

// The transaction() in progress on this thread: which Db, which connection.
thread_local const Db* t_db = nullptr;
thread_local sqlcore::Connection* t_conn = nullptr;

std::vector<unsigned char> random_bytes(std::size_t n) {
  std::vector<unsigned char> out(n);
  if (n && RAND_bytes(out.data(), static_cast<int>(n)) != 1)
    throw std::runtime_error("trinity-db: the system's random generator failed");
  return out;
}

}  // namespace

Db::Db(sqlcore::Engine& engine, const Schema& schema)
    : engine_(&engine), schema_(&schema), models_(std::make_unique<Models>(schema)) {}

Db::~Db() = default;

sqlcore::Connection* Db::current() const {
  return t_db == this ? t_conn : nullptr;
}

Db::Bind::Bind(const Db* db, sqlcore::Connection* conn) : previous_db(t_db), previous_conn(t_conn) {
  t_db = db;
  t_conn = conn;
}

Db::Bind::~Bind() {
  t_db = previous_db;
  t_conn = previous_conn;
}

std::string random_digits(std::size_t n) {
  // Rejection sampling keeps each digit uniform: 4294967290 is the largest multiple of 10 below
  // 2^32.
  constexpr std::uint32_t kLimit = 4294967290u;
  std::string out;
  while (out.size() < n) {
    const std::vector<unsigned char> b = random_bytes(4);
    const std::uint32_t v = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                            (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
    if (v < kLimit) out.push_back(static_cast<char>('0' + v % 10));
  }
  return out;
}

std::string new_id() {
  const auto raw = random_bytes(16);
  return hex_of(raw.data(), raw.size());
}

std::string random_token(std::size_t bytes) {
  static constexpr char kUrlSafe[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const auto raw = random_bytes(bytes);
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : raw) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kUrlSafe[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kUrlSafe[(acc << (6 - bits)) & 63]);
  return out;
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("trinity-db: SHA-256 failed");
  return hex_of(digest, len);
}

}  // namespace trinity::db
