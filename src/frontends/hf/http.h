// A thin libcurl wrapper for the hub client: one request at a time, every wait bounded, errors classified so
// that the caller can say what happened (no connection, interrupted transfer, HTTP status).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sparrow::hf {

struct HttpLimits {
  long connect_timeout_s = 10;  // TCP + TLS connect
  long total_timeout_s = 0;     // whole request; 0: none (file downloads rely on the stall limit)
  long stall_timeout_s = 10;    // abort (as interrupted) when no body byte arrives for this long
};

struct HttpRequest {
  std::string method = "GET";  // GET or HEAD
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  bool follow_redirects = true;
  HttpLimits limits;
  // Body sink for 2xx answers (the body of other answers is kept in HttpResponse::body, capped). Returns
  // false to abort the transfer. Without a sink, the body goes to HttpResponse::body (capped at max_body).
  std::function<bool(const char* data, size_t size)> sink;
  size_t max_body = 64u << 20;
  // Called once before the first body byte of a 2xx answer, with its status and headers; false aborts.
  std::function<bool(long status, const std::map<std::string, std::string>& headers)> on_start;
  // Progress of this transfer: bytes received and the total the server announced (0 when unknown).
  std::function<void(uint64_t now, uint64_t total)> progress;
};

enum class HttpFailure {
  kNone,         // an HTTP answer arrived completely (any status)
  kConnect,      // no answer: DNS, refused, unreachable, connect timeout, TLS handshake
  kInterrupted,  // an answer started but the transfer broke off (dropped, stalled, shorter than announced)
  kAborted,      // the sink refused data
  kTooLarge,     // the body exceeded max_body
  kOther,
};

struct HttpResponse {
  HttpFailure failure = HttpFailure::kNone;
  std::string error;                           // libcurl's description when failure != kNone
  long status = 0;                             // of the last answer (after redirects); 0 when none arrived
  std::map<std::string, std::string> headers;  // of the last answer; names in lower case
  std::string body;
  std::string effective_url;
  uint64_t received = 0;  // body bytes of the last answer

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

HttpResponse http_perform(const HttpRequest& request);

// Percent-encodes everything but unreserved characters (and '/' when keep_slash).
std::string url_encode(const std::string& s, bool keep_slash);

// "scheme://host[:port]" of a URL, lower-cased; empty when it has no scheme.
std::string url_origin(const std::string& url);

}  // namespace sparrow::hf
