// client/rest against the real kube-apiserver: error bodies and watch streams are captured at run
// time with the test-only HTTPS helper (the real transport is not needed for these layers), then
// fed through the Status mapping, the watch decoders and WatchStream/RestClient (over the fake
// transport, replaying the real bytes in many chunkings).
#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/sync.h"
#include "boost/json.hpp"
#include "client/rest/internal/proto_wire.h"
#include "client/rest/rest_client.h"
#include "client/rest/status.h"
#include "client/rest/watch_event.h"
#include "client/transport/testing/fake_transport.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/testenv/https_client.h"
#include "tools/testenv/testenv.h"

namespace kube::rest {
namespace {

using testenv::HttpsCall;
using testenv::HttpsReply;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::UnorderedElementsAre;
using transport::testing::FakeTransport;

constexpr char kProtobuf[] = "application/vnd.kubernetes.protobuf";

class RestApiserverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testenv::Environment> env = testenv::Load();
    ASSERT_TRUE(env.ok()) << env.status().message();
    env_ = new testenv::Environment(*env);
    std::mt19937 rng(static_cast<uint32_t>(absl::ToUnixNanos(absl::Now())));
    namespace_ = new std::string(absl::StrCat("kubecpp-rest-", rng() % 1000000));
    HttpsReply created =
        Call({.method = "POST",
              .target = "/api/v1/namespaces",
              .content_type = "application/json",
              .body = absl::StrCat(R"({"metadata":{"name":")", *namespace_, R"("}})")});
    ASSERT_EQ(created.status, 201) << created.body;
  }

  static void TearDownTestSuite() {
    if (env_ != nullptr && namespace_ != nullptr) {
      Call({.method = "DELETE", .target = absl::StrCat("/api/v1/namespaces/", *namespace_)});
    }
    delete env_;
    delete namespace_;
    env_ = nullptr;
    namespace_ = nullptr;
  }

  // Call performs one exchange as the admin unless `call.token` is set.
  static HttpsReply Call(HttpsCall call) {
    if (call.token.empty()) call.token = env_->admin_token;
    absl::StatusOr<HttpsReply> reply = testenv::HttpsExchange(*env_, call);
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : HttpsReply();
  }

  static std::string ConfigMaps() {
    return absl::StrCat("/api/v1/namespaces/", *namespace_, "/configmaps");
  }

  static HttpsReply CreateConfigMap(absl::string_view name,
                                    absl::string_view accept = "application/json") {
    return Call(
        {.method = "POST",
         .target = ConfigMaps(),
         .accept = std::string(accept),
         .content_type = "application/json",
         .body = absl::StrCat(R"({"metadata":{"name":")", name, R"("},"data":{"k":"v"}})")});
  }

  // Map turns a captured reply into a Status exactly as RestClient does.
  static absl::Status Map(const HttpsReply& reply) {
    std::optional<int64_t> retry_after;
    if (auto it = reply.headers.find("retry-after"); it != reply.headers.end()) {
      retry_after = ParseRetryAfterSeconds(it->second);
    }
    return StatusFromResponse(reply.status, reply.content_type, reply.body, retry_after);
  }

  static std::string ResourceVersionOf(const std::string& json) {
    boost::json::value v = boost::json::parse(json);
    return std::string(v.at("metadata").at("resourceVersion").as_string());
  }

  static testenv::Environment* env_;
  static std::string* namespace_;
};

testenv::Environment* RestApiserverTest::env_ = nullptr;
std::string* RestApiserverTest::namespace_ = nullptr;

TEST_F(RestApiserverTest, MissingObjectIsNotFoundInJsonAndProtobuf) {
  const std::string target = ConfigMaps() + "/does-not-exist";
  HttpsReply json = Call({.target = target});
  HttpsReply proto = Call({.target = target, .accept = kProtobuf});
  ASSERT_EQ(json.status, 404) << json.body;
  ASSERT_EQ(proto.status, 404);
  ASSERT_TRUE(absl::StartsWith(proto.content_type, kProtobuf)) << proto.content_type;

  for (const HttpsReply* reply : {&json, &proto}) {
    absl::Status s = Map(*reply);
    EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
    EXPECT_TRUE(rest::IsNotFound(s));
    EXPECT_FALSE(rest::IsUnexpectedServerResponse(s));
    EXPECT_EQ(s.message(), "configmaps \"does-not-exist\" not found");
    std::optional<ApiStatus> api = GetApiStatus(s);
    ASSERT_TRUE(api.has_value());
    ASSERT_TRUE(api->details.has_value());
    EXPECT_EQ(api->details->name, "does-not-exist");
    EXPECT_EQ(api->details->kind, "configmaps");
  }
  // Both encodings of the same error decode to the same Status.
  EXPECT_EQ(*ParseApiStatusJson(json.body), *ParseApiStatusProtobuf(proto.body));
}

TEST_F(RestApiserverTest, CreatingTwiceIsAlreadyExists) {
  ASSERT_EQ(CreateConfigMap("twice").status, 201);
  HttpsReply json = CreateConfigMap("twice");
  HttpsReply proto = CreateConfigMap("twice", kProtobuf);
  ASSERT_EQ(json.status, 409) << json.body;
  ASSERT_EQ(proto.status, 409);
  for (const HttpsReply* reply : {&json, &proto}) {
    absl::Status s = Map(*reply);
    EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
    EXPECT_TRUE(rest::IsAlreadyExists(s));
    EXPECT_FALSE(rest::IsConflict(s));
    EXPECT_EQ(GetApiStatus(s)->details->name, "twice");
  }
  EXPECT_EQ(*ParseApiStatusJson(json.body), *ParseApiStatusProtobuf(proto.body));
}

TEST_F(RestApiserverTest, StaleResourceVersionIsConflict) {
  HttpsReply created = CreateConfigMap("stale");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string old_rv = ResourceVersionOf(created.body);
  auto update = [&](absl::string_view value) {
    return Call({.method = "PUT",
                 .target = ConfigMaps() + "/stale",
                 .content_type = "application/json",
                 .body = absl::StrCat(R"({"metadata":{"name":"stale","resourceVersion":")", old_rv,
                                      R"("},"data":{"k":")", value, R"("}})")});
  };
  ASSERT_EQ(update("first").status, 200);
  HttpsReply conflict = update("second");  // same, now stale, resourceVersion
  ASSERT_EQ(conflict.status, 409) << conflict.body;
  absl::Status s = Map(conflict);
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted) << s;
  EXPECT_TRUE(rest::IsConflict(s));
  EXPECT_FALSE(rest::IsAlreadyExists(s));
  EXPECT_EQ(GetApiStatus(s)->reason, "Conflict");
}

TEST_F(RestApiserverTest, InvalidNameIsInvalidWithCauses) {
  HttpsReply json = CreateConfigMap("Bad_Name");
  HttpsReply proto = CreateConfigMap("Bad_Name", kProtobuf);
  ASSERT_EQ(json.status, 422) << json.body;
  ASSERT_EQ(proto.status, 422);
  for (const HttpsReply* reply : {&json, &proto}) {
    absl::Status s = Map(*reply);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(rest::IsInvalid(s));
    EXPECT_FALSE(rest::IsBadRequest(s));
    std::optional<ApiStatus> api = GetApiStatus(s);
    ASSERT_TRUE(api.has_value() && api->details.has_value());
    ASSERT_FALSE(api->details->causes.empty());
    EXPECT_EQ(api->details->causes[0].reason, "FieldValueInvalid");
    EXPECT_EQ(api->details->causes[0].field, "metadata.name");
  }
  EXPECT_EQ(*ParseApiStatusJson(json.body), *ParseApiStatusProtobuf(proto.body));
}

TEST_F(RestApiserverTest, AuthenticationAndAuthorizationFailures) {
  HttpsReply unauthorized = Call({.target = ConfigMaps(), .token = "not-a-token"});
  ASSERT_EQ(unauthorized.status, 401);
  EXPECT_EQ(Map(unauthorized).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(rest::IsUnauthorized(Map(unauthorized)));

  HttpsReply forbidden = Call({.target = ConfigMaps(), .token = env_->limited_token});
  ASSERT_EQ(forbidden.status, 403);
  absl::Status s = Map(forbidden);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(rest::IsForbidden(s));
  EXPECT_EQ(GetApiStatus(s)->details->kind, "configmaps");
}

TEST_F(RestApiserverTest, ProtocolLevelFailures) {
  HttpsReply bad_continue = Call({.target = ConfigMaps() + "?limit=1&continue=bogus"});
  ASSERT_EQ(bad_continue.status, 400) << bad_continue.body;
  EXPECT_EQ(Map(bad_continue).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(rest::IsBadRequest(Map(bad_continue)));

  HttpsReply not_acceptable = Call({.target = ConfigMaps(), .accept = "text/html"});
  ASSERT_EQ(not_acceptable.status, 406);
  EXPECT_EQ(Map(not_acceptable).code(), absl::StatusCode::kUnimplemented);
  EXPECT_TRUE(rest::IsNotAcceptable(Map(not_acceptable)));

  HttpsReply unsupported = Call({.method = "PATCH",
                                 .target = ConfigMaps() + "/x",
                                 .content_type = "text/plain",
                                 .body = "x"});
  ASSERT_EQ(unsupported.status, 415);
  EXPECT_EQ(Map(unsupported).code(), absl::StatusCode::kUnimplemented);
  EXPECT_TRUE(rest::IsUnsupportedMediaType(Map(unsupported)));

  HttpsReply not_allowed = Call({.method = "POST",
                                 .target = ConfigMaps() + "/x",
                                 .content_type = "application/json",
                                 .body = "{}"});
  ASSERT_EQ(not_allowed.status, 405);
  EXPECT_EQ(Map(not_allowed).code(), absl::StatusCode::kUnimplemented);
  EXPECT_TRUE(rest::IsMethodNotSupported(Map(not_allowed)));

  // A non-resource path answers in plain text, not with a Status.
  HttpsReply plain = Call({.target = "/no-such-path"});
  ASSERT_EQ(plain.status, 404);
  absl::Status s = Map(plain);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(rest::IsNotFound(s));
  EXPECT_TRUE(rest::IsUnexpectedServerResponse(s));
  EXPECT_TRUE(absl::StrContains(s.message(), "404 page not found")) << s.message();
}

// ---- watch streams ----------------------------------------------------------------------------

struct Cut {
  WatchEventType type;
  std::string name;  // metadata.name from the object ("" for a bookmark)
  bool initial_events_end = false;
};

// NameOf reads metadata.name (and the initial-events-end annotation) of a watch event's object.
Cut Describe(const WatchEvent& event) {
  Cut cut{event.type, ""};
  if (event.encoding == WireEncoding::kJson) {
    boost::json::value v = boost::json::parse(event.object);
    const boost::json::object& meta = v.at("metadata").as_object();
    if (const boost::json::value* name = meta.if_contains("name")) {
      cut.name = std::string(name->as_string());
    }
    if (const boost::json::value* annotations = meta.if_contains("annotations")) {
      const boost::json::value* end =
          annotations->as_object().if_contains("k8s.io/initial-events-end");
      cut.initial_events_end = end != nullptr && end->as_string() == "true";
    }
    return cut;
  }
  absl::StatusOr<internal::UnknownEnvelope> envelope = internal::ParseUnknownEnvelope(event.object);
  EXPECT_TRUE(envelope.ok()) << envelope.status();
  if (!envelope.ok()) return cut;
  EXPECT_EQ(envelope->kind, "ConfigMap");
  // ConfigMap {metadata = 1: ObjectMeta {name = 1, annotations = 12 (map entries)}}.
  EXPECT_TRUE(internal::ForEachField(envelope->raw, [&](const internal::ProtoField& f) {
                if (f.number != 1) return absl::OkStatus();
                return internal::ForEachField(f.bytes, [&](const internal::ProtoField& m) {
                  if (m.number == 1) cut.name = std::string(m.bytes);
                  if (m.number == 12 && absl::StrContains(m.bytes, "k8s.io/initial-events-end")) {
                    cut.initial_events_end = true;
                  }
                  return absl::OkStatus();
                });
              }).ok());
  return cut;
}

bool operator==(const Cut& a, const Cut& b) {
  return a.type == b.type && a.name == b.name && a.initial_events_end == b.initial_events_end;
}

void PrintTo(const Cut& c, std::ostream* os) {
  *os << WatchEventTypeName(c.type) << " " << c.name << (c.initial_events_end ? " (end)" : "");
}

// Decode feeds `body` to a decoder in the given chunks.
absl::StatusOr<std::vector<Cut>> Decode(WireEncoding encoding,
                                        const std::vector<std::string>& chunks) {
  WatchEventDecoder decoder(encoding);
  std::vector<Cut> cuts;
  for (const std::string& chunk : chunks) {
    absl::Status s = decoder.Feed(chunk, [&](WatchEvent e) {
      cuts.push_back(Describe(e));
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
  }
  if (absl::Status s = decoder.Finish(); !s.ok()) return s;
  return cuts;
}

class Collector : public WatchHandler {
 public:
  bool OnEvent(WatchEvent event) override {
    MutexLock lock(&mu_);
    cuts_.push_back(Describe(event));
    // Pause now and then; a helper thread would resume in real code, here the test does.
    return cuts_.size() % 2 == 1;
  }
  void OnEnd(const absl::Status& status) override {
    MutexLock lock(&mu_);
    end_ = status;
  }
  std::optional<absl::Status> end() {
    MutexLock lock(&mu_);
    return end_;
  }
  std::vector<Cut> cuts() {
    MutexLock lock(&mu_);
    return cuts_;
  }

 private:
  absl::Mutex mu_;
  std::vector<Cut> cuts_;
  std::optional<absl::Status> end_;
};

TEST_F(RestApiserverTest, RealWatchStreamsDecodeTheSameInEveryChunking) {
  // Remember where we are, make history, then watch from there: the server replays it and ends
  // the watch after timeoutSeconds.
  HttpsReply list = Call({.target = ConfigMaps() + "?labelSelector=watch-test"});
  ASSERT_EQ(list.status, 200) << list.body;
  const std::string rv = ResourceVersionOf(list.body);
  auto create = [&](absl::string_view name) {
    return Call({.method = "POST",
                 .target = ConfigMaps(),
                 .content_type = "application/json",
                 .body = absl::StrCat(
                     R"({"metadata":{"name":")", name, R"(","labels":{"watch-test":"y"}},)",
                     R"("data":{"text":"quote \" brace } bracket ] newline \n"}})")});
  };
  ASSERT_EQ(create("w-a").status, 201);
  ASSERT_EQ(create("w-b").status, 201);
  ASSERT_EQ(create("w-c").status, 201);
  ASSERT_EQ(Call({.method = "PATCH",
                  .target = ConfigMaps() + "/w-a",
                  .content_type = "application/merge-patch+json",
                  .body = R"({"data":{"more":"{\"nested\":[1,2]}"}})"})
                .status,
            200);
  ASSERT_EQ(Call({.method = "DELETE", .target = ConfigMaps() + "/w-b"}).status, 200);

  const std::string watch = ConfigMaps() + "?labelSelector=watch-test&watch=1&timeoutSeconds=1";
  HttpsReply json = Call({.target = absl::StrCat(watch, "&resourceVersion=", rv)});
  HttpsReply proto =
      Call({.target = absl::StrCat(watch, "&resourceVersion=", rv), .accept = kProtobuf});
  // The streaming initial list: ADDED for each object, then the end-of-initial-events BOOKMARK.
  const std::string streaming_list = absl::StrCat(
      watch, "&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
  HttpsReply json_list = Call({.target = streaming_list});
  HttpsReply proto_list = Call({.target = streaming_list, .accept = kProtobuf});
  for (const HttpsReply* r : {&json, &proto, &json_list, &proto_list}) {
    ASSERT_EQ(r->status, 200) << r->body;
  }
  ASSERT_EQ(*WatchEncodingForContentType(json.content_type), WireEncoding::kJson);
  ASSERT_EQ(*WatchEncodingForContentType(proto.content_type), WireEncoding::kProtobuf)
      << proto.content_type;

  const std::vector<Cut> history = {
      {WatchEventType::kAdded, "w-a"},   {WatchEventType::kAdded, "w-b"},
      {WatchEventType::kAdded, "w-c"},   {WatchEventType::kModified, "w-a"},
      {WatchEventType::kDeleted, "w-b"},
  };
  struct Capture {
    const HttpsReply* reply;
    WireEncoding encoding;
    bool is_list;
  };
  for (const Capture& c :
       {Capture{&json, WireEncoding::kJson, false}, Capture{&proto, WireEncoding::kProtobuf, false},
        Capture{&json_list, WireEncoding::kJson, true},
        Capture{&proto_list, WireEncoding::kProtobuf, true}}) {
    absl::StatusOr<std::vector<Cut>> whole = Decode(c.encoding, {c.reply->body});
    ASSERT_TRUE(whole.ok()) << whole.status();
    if (c.is_list) {
      // The server may send ordinary progress bookmarks after the initial-events-end one before
      // the 1 s timeout closes the stream (seen on a slow, loaded machine); they carry no object.
      std::vector<Cut> events = *whole;
      while (events.size() > 3 && events.back().type == WatchEventType::kBookmark &&
             !events.back().initial_events_end) {
        events.pop_back();
      }
      ASSERT_EQ(events.size(), 3u);
      EXPECT_THAT(std::vector<Cut>(events.begin(), events.begin() + 2),
                  UnorderedElementsAre(Cut{WatchEventType::kAdded, "w-a"},
                                       Cut{WatchEventType::kAdded, "w-c"}));
      EXPECT_EQ(events.back(), (Cut{WatchEventType::kBookmark, "", true}));
    } else {
      EXPECT_THAT(*whole, ElementsAreArray(history));
    }
    // Every chunking, from single bytes up, gives the same events.
    for (uint32_t seed = 0; seed < 300; ++seed) {
      const size_t max = 1 + seed % 200;
      absl::StatusOr<std::vector<Cut>> cut =
          Decode(c.encoding, FakeTransport::RandomChunks(c.reply->body, seed, max));
      ASSERT_TRUE(cut.ok()) << cut.status() << " seed " << seed;
      ASSERT_THAT(*cut, ElementsAreArray(*whole)) << "seed " << seed;
    }
    // A truncated capture is DataLoss, never a silently shorter history.
    absl::StatusOr<std::vector<Cut>> truncated =
        Decode(c.encoding, {c.reply->body.substr(0, c.reply->body.size() - 3)});
    EXPECT_EQ(truncated.status().code(), absl::StatusCode::kDataLoss);
  }

  // The same real bytes through RestClient + WatchStream, with pauses, over the fake transport.
  for (const Capture& c : {Capture{&json, WireEncoding::kJson, false},
                           Capture{&proto, WireEncoding::kProtobuf, false}}) {
    auto fake = std::make_shared<FakeTransport>();
    fake->ExpectStream("GET", "",
                       {FakeTransport::MakeHead(200, {{"Content-Type", c.reply->content_type}}),
                        FakeTransport::RandomChunks(c.reply->body, 7, 97)});
    RestClientOptions options;
    options.config.host = env_->server;
    absl::StatusOr<std::shared_ptr<RestClient>> client = RestClient::Create(fake, options);
    ASSERT_TRUE(client.ok()) << client.status();
    auto collector = std::make_shared<Collector>();
    absl::StatusOr<std::shared_ptr<WatchCall>> call = (*client)
                                                          ->Get()
                                                          .Namespace(*namespace_)
                                                          .Resource("configmaps")
                                                          .Accept(c.reply->content_type)
                                                          .Watch(collector);
    ASSERT_TRUE(call.ok()) << call.status();
    const absl::Time give_up = absl::Now() + absl::Seconds(30);
    while (!collector->end().has_value() && absl::Now() < give_up) {
      (*call)->Resume();
      absl::SleepFor(absl::Milliseconds(1));
    }
    ASSERT_TRUE(collector->end().has_value());
    EXPECT_TRUE(collector->end()->ok()) << *collector->end();
    EXPECT_THAT(collector->cuts(), ElementsAreArray(history));
  }
}

}  // namespace
}  // namespace kube::rest
