#include "frontends/hf/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <mutex>

#include "sparrow/error.h"

namespace sparrow::hf {
namespace {

struct Transfer {
  const HttpRequest* request;
  HttpResponse* response;
  CURL* curl;
  bool aborted = false;
  bool too_large = false;
  bool started = false;
  bool stalled = false;
  curl_off_t last_now = -1;
  std::chrono::steady_clock::time_point last_change = std::chrono::steady_clock::now();
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response->headers.clear();  // a new answer (after a redirect or a 100 Continue)
    t->response->received = 0;
    t->started = false;
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon != std::string::npos)
    t->response->headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  t->response->received += n;
  if (status >= 200 && status < 300 && !t->started) {
    t->started = true;
    if (t->request->on_start && !t->request->on_start(status, t->response->headers)) {
      t->aborted = true;
      return 0;
    }
  }
  if (status >= 200 && status < 300 && t->request->sink) {
    if (!t->request->sink(data, n)) {
      t->aborted = true;
      return 0;
    }
    return n;
  }
  size_t cap = t->request->sink ? size_t(64) << 10 : t->request->max_body;
  if (t->response->body.size() + n > cap) {
    if (t->request->sink) return n;  // an error page: keep its beginning only
    t->too_large = true;
    return 0;
  }
  t->response->body.append(data, n);
  return n;
}

int on_progress(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  auto now = std::chrono::steady_clock::now();
  if (dlnow != t->last_now) {
    t->last_now = dlnow;
    t->last_change = now;
  } else if (t->request->limits.stall_timeout_s > 0 &&
             now - t->last_change > std::chrono::seconds(t->request->limits.stall_timeout_s)) {
    t->stalled = true;  // libcurl's own low-speed check averages over 5 s windows; this one is exact
    return 1;
  }
  if (t->request->progress) t->request->progress(uint64_t(dlnow), uint64_t(dltotal));
  return 0;
}

HttpFailure classify(CURLcode code, long status) {
  switch (code) {
    case CURLE_OK:
      return HttpFailure::kNone;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
      return HttpFailure::kConnect;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      // Nothing at all received within the connect timeout is a connection failure, not an interruption.
      return status == 0 && code == CURLE_OPERATION_TIMEDOUT ? HttpFailure::kConnect
                                                             : HttpFailure::kInterrupted;
    default:
      return HttpFailure::kOther;
  }
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

HttpResponse http_perform(const HttpRequest& request) {
  init_curl_once();
  HttpResponse response;
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
  SPARROW_CHECK(curl, "cannot initialise libcurl");
  Transfer t{&request, &response, curl.get()};
  CURL* c = curl.get();

  curl_slist* list = nullptr;
  for (const std::string& h : request.headers) list = curl_slist_append(list, h.c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(list, &curl_slist_free_all);

  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "sparrow/0.1 (hf-hub-client; libcurl)");
  if (request.method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, request.limits.connect_timeout_s);
  if (request.limits.total_timeout_s > 0)
    curl_easy_setopt(c, CURLOPT_TIMEOUT, request.limits.total_timeout_s);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);

  CURLcode code = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  char* effective = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective)
    response.effective_url = effective;
  if (t.stalled) {
    response.failure = response.status == 0 ? HttpFailure::kConnect : HttpFailure::kInterrupted;
    response.error = "no data for " + std::to_string(request.limits.stall_timeout_s) + " s";
    return response;
  } else if (t.aborted) {
    response.failure = HttpFailure::kAborted;
  } else if (t.too_large) {
    response.failure = HttpFailure::kTooLarge;
  } else {
    response.failure = classify(code, response.status);
  }
  if (code != CURLE_OK) response.error = curl_easy_strerror(code);
  return response;
}

std::string url_encode(const std::string& s, bool keep_slash) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~' || (keep_slash && ch == '/')) {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

std::string url_origin(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  size_t end = url.find_first_of("/?#", scheme + 3);
  return lower(url.substr(0, end));
}

}  // namespace sparrow::hf
