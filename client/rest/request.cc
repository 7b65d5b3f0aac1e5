#include "client/rest/request.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace kube::rest {
namespace {

// RFC 3986 unreserved characters.
bool IsUnreserved(unsigned char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// Characters a path segment may carry unescaped (pchar minus '%').
bool IsPathChar(unsigned char c) {
  return IsUnreserved(c) || c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' ||
         c == '*' || c == '+' || c == ',' || c == ';' || c == '=' || c == ':' || c == '@';
}

void PercentEncode(absl::string_view s, bool (*keep)(unsigned char), std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (keep(c)) {
      out->push_back(ch);
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xF]);
    }
  }
}

// RFC 7230 tchar.
bool IsTokenChar(unsigned char c) {
  return absl::ascii_isalnum(c) || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' ||
         c == '\'' || c == '*' || c == '+' || c == '-' || c == '.' || c == '^' || c == '_' ||
         c == '`' || c == '|' || c == '~';
}

bool IsToken(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return IsTokenChar(static_cast<unsigned char>(c));
  });
}

// A header value must not smuggle a line break (header injection) or a NUL.
bool IsSafeHeaderValue(absl::string_view s) {
  return s.find_first_of(absl::string_view("\r\n\0", 3)) == absl::string_view::npos;
}

std::string Quote(absl::string_view s) {
  return absl::StrCat("\"", absl::CHexEscape(s.substr(0, 100)), "\"");
}

}  // namespace

bool IsValidPathSegment(absl::string_view segment) {
  return !segment.empty() && segment != "." && segment != ".." &&
         segment.find_first_of("/%") == absl::string_view::npos;
}

std::string FormatGoDuration(absl::Duration d) {
  if (d % absl::Seconds(1) == absl::ZeroDuration()) {
    return absl::StrCat(absl::ToInt64Seconds(d), "s");
  }
  if (d % absl::Milliseconds(1) == absl::ZeroDuration()) {
    return absl::StrCat(absl::ToInt64Milliseconds(d), "ms");
  }
  if (d % absl::Microseconds(1) == absl::ZeroDuration()) {
    return absl::StrCat(absl::ToInt64Microseconds(d), "us");
  }
  return absl::StrCat(absl::ToInt64Nanoseconds(d), "ns");
}

Request::Request(absl::string_view verb, std::shared_ptr<RequestExecutor> executor)
    : executor_(std::move(executor)), verb_(verb) {
  if (!IsToken(verb)) AddError(absl::StrCat("invalid verb ", Quote(verb)));
}

void Request::AddError(std::string error) { errors_.push_back(std::move(error)); }

bool Request::ValidSegment(absl::string_view what, absl::string_view segment) {
  if (IsValidPathSegment(segment)) return true;
  AddError(
      absl::StrCat(what, " ", Quote(segment),
                   " is not a valid path segment (empty, \".\", \"..\", or holds '/' or '%')"));
  return false;
}

Request& Request::GroupVersion(absl::string_view group, absl::string_view version) {
  if (!group.empty()) ValidSegment("group", group);
  ValidSegment("version", version);
  group_ = std::string(group);
  version_ = std::string(version);
  return *this;
}

Request& Request::Namespace(absl::string_view namespace_name) {
  if (namespace_.has_value()) {
    AddError(absl::StrCat("namespace already set to ", Quote(*namespace_), ", cannot change to ",
                          Quote(namespace_name)));
    return *this;
  }
  if (!namespace_name.empty()) ValidSegment("namespace", namespace_name);
  namespace_ = std::string(namespace_name);
  return *this;
}

Request& Request::Resource(absl::string_view resource) {
  if (resource_.has_value()) {
    AddError(absl::StrCat("resource already set to ", Quote(*resource_), ", cannot change to ",
                          Quote(resource)));
    return *this;
  }
  ValidSegment("resource", resource);
  resource_ = std::string(resource);
  return *this;
}

Request& Request::Name(absl::string_view name) {
  if (name_.has_value()) {
    AddError(
        absl::StrCat("name already set to ", Quote(*name_), ", cannot change to ", Quote(name)));
    return *this;
  }
  if (name.empty()) {
    AddError("resource name may not be empty");
  } else {
    ValidSegment("name", name);
  }
  name_ = std::string(name);
  return *this;
}

Request& Request::SubResource(absl::string_view subresource) {
  ValidSegment("subresource", subresource);
  subresources_.emplace_back(subresource);
  return *this;
}

Request& Request::AbsPath(absl::string_view path) {
  if (abs_path_.has_value()) {
    AddError(absl::StrCat("path already set to ", Quote(*abs_path_)));
    return *this;
  }
  if (path.empty() || path[0] != '/') {
    AddError(absl::StrCat("absolute path ", Quote(path), " does not start with '/'"));
  } else {
    for (absl::string_view segment : absl::StrSplit(path.substr(1), '/')) {
      if (segment == "." || segment == ".." ||
          !std::all_of(segment.begin(), segment.end(),
                       [](char c) { return IsPathChar(static_cast<unsigned char>(c)); })) {
        AddError(absl::StrCat("absolute path ", Quote(path),
                              " has an invalid segment (\".\", \"..\" or a character that needs "
                              "escaping)"));
        break;
      }
    }
  }
  abs_path_ = std::string(path);
  return *this;
}

Request& Request::Param(absl::string_view name, absl::string_view value) {
  if (name.empty()) {
    AddError("query parameter with an empty name");
    return *this;
  }
  params_.emplace_back(name, value);
  return *this;
}

Request& Request::Body(std::string body, absl::string_view content_type) {
  if (!IsSafeHeaderValue(content_type)) {
    AddError(absl::StrCat("content type ", Quote(content_type), " holds a line break"));
  }
  body_ = std::move(body);
  content_type_ = std::string(content_type);
  return *this;
}

Request& Request::Accept(absl::string_view media_types) {
  if (!IsSafeHeaderValue(media_types)) {
    AddError(absl::StrCat("Accept value ", Quote(media_types), " holds a line break"));
  }
  accept_ = std::string(media_types);
  return *this;
}

Request& Request::Header(absl::string_view name, absl::string_view value) {
  if (!IsToken(name)) AddError(absl::StrCat("invalid header name ", Quote(name)));
  if (!IsSafeHeaderValue(value)) {
    AddError(absl::StrCat("header ", Quote(name), " value holds a line break"));
  }
  headers_.push_back({std::string(name), std::string(value)});
  return *this;
}

Request& Request::Timeout(absl::Duration timeout) {
  if (timeout <= absl::ZeroDuration()) {
    AddError(absl::StrCat("timeout must be positive, got ", absl::FormatDuration(timeout)));
  }
  timeout_ = timeout;
  return *this;
}

Request& Request::MaxRetries(int max_retries) {
  if (max_retries < 0) AddError(absl::StrCat("max retries must be >= 0, got ", max_retries));
  max_retries_ = max_retries;
  return *this;
}

Request& Request::CancelWith(std::shared_ptr<Cancellation> cancellation) {
  cancellation_ = std::move(cancellation);
  return *this;
}

absl::Status Request::BuildError() const {
  std::vector<std::string> errors = errors_;
  if (abs_path_.has_value() && (namespace_.has_value() || resource_.has_value() ||
                                name_.has_value() || !subresources_.empty())) {
    errors.push_back("AbsPath cannot be combined with Namespace, Resource, Name or SubResource");
  }
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("invalid request ", verb_, " ", BuildPath(false),
                                                 ": ", absl::StrJoin(errors, "; ")));
}

std::string Request::BuildPath(bool as_template) const {
  if (abs_path_.has_value()) return *abs_path_;
  std::string path;
  if (group_.empty()) {
    absl::StrAppend(&path, "/api/");
  } else {
    absl::StrAppend(&path, "/apis/");
    PercentEncode(group_, IsPathChar, &path);
    path.push_back('/');
  }
  PercentEncode(version_, IsPathChar, &path);
  if (namespace_.has_value() && !namespace_->empty()) {
    path += "/namespaces/";
    if (as_template) {
      path += "{namespace}";
    } else {
      PercentEncode(*namespace_, IsPathChar, &path);
    }
  }
  if (resource_.has_value()) {
    path.push_back('/');
    PercentEncode(*resource_, IsPathChar, &path);
  }
  if (name_.has_value()) {
    path.push_back('/');
    if (as_template) {
      path += "{name}";
    } else {
      PercentEncode(*name_, IsPathChar, &path);
    }
  }
  for (const std::string& sub : subresources_) {
    path.push_back('/');
    PercentEncode(sub, IsPathChar, &path);
  }
  return path;
}

std::string Request::Path() const { return BuildPath(false); }

std::string Request::PathTemplate() const { return BuildPath(true); }

std::string Request::Query(const std::vector<std::pair<std::string, std::string>>& extra) const {
  std::vector<std::pair<std::string, std::string>> all = params_;
  all.insert(all.end(), extra.begin(), extra.end());
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string query;
  for (const auto& [name, value] : all) {
    if (!query.empty()) query.push_back('&');
    PercentEncode(name, IsUnreserved, &query);
    query.push_back('=');
    PercentEncode(value, IsUnreserved, &query);
  }
  return query;
}

bool Request::HasParam(absl::string_view name) const {
  return std::any_of(params_.begin(), params_.end(),
                     [name](const auto& p) { return p.first == name; });
}

absl::StatusOr<Result> Request::Do() const {
  if (executor_ == nullptr) {
    return absl::FailedPreconditionError("request is not bound to a RestClient");
  }
  return executor_->Execute(*this);
}

absl::StatusOr<Result> Request::DoStream(BodySink sink) const {
  if (executor_ == nullptr) {
    return absl::FailedPreconditionError("request is not bound to a RestClient");
  }
  return executor_->ExecuteStream(*this, sink);
}

absl::StatusOr<Result> RequestExecutor::ExecuteStream(const Request& request, BodySink sink) {
  absl::StatusOr<Result> result = Execute(request);
  if (!result.ok()) return result;
  absl::Status s = sink(result->content_type, result->body);
  if (!s.ok()) return s;
  result->body.clear();
  return result;
}

absl::StatusOr<std::shared_ptr<WatchCall>> Request::Watch(
    std::shared_ptr<WatchHandler> handler) const {
  if (executor_ == nullptr) {
    return absl::FailedPreconditionError("request is not bound to a RestClient");
  }
  return executor_->ExecuteWatch(*this, std::move(handler));
}

}  // namespace kube::rest
