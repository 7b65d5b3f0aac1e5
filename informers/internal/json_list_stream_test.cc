#include "informers/internal/json_list_stream.h"

#include <algorithm>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "client/api/builtin_kinds.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/json_codec.h"
#include "client/api/json_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "informers/testing/json_list_oracle.h"

namespace kube::informers::internal {
namespace {

using api::core::v1::Pod;
using api::core::v1::PodList;
using google::protobuf::util::MessageDifferencer;
using testing::ParseWholeJsonList;
using testing::WholeJsonList;

// A real Pod's shape: managedFields (embedded JSON), labels and annotations with the characters
// a framer must not trip over, containers, status.
Pod RealisticPod(int i) {
  Pod pod;
  auto* meta = pod.mutable_metadata();
  meta->set_name(absl::StrCat("web-", i));
  meta->set_namespace_("default");
  meta->set_uid(absl::StrCat("8d3c", i, "-aaaa-bbbb-cccc-0123456789ab"));
  meta->set_resourceversion(absl::StrCat(1000 + i));
  (*meta->mutable_labels())["app"] = "web";
  (*meta->mutable_labels())["tier"] = std::string(i * 37 % 200, 'x');
  (*meta->mutable_annotations())["tricky"] =
      "braces { ] } [ quote \" backslash \\ tab \t newline \n unicode \xc3\xbc\xe2\x9c\x93 "
      "\xf0\x9f\x98\x80 control \x01";
  (*meta->mutable_annotations())["kubectl.kubernetes.io/last-applied-configuration"] =
      absl::StrCat("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-", i,
                   "\"},\"spec\":{\"containers\":[{\"image\":\"nginx\",\"name\":\"c\"}]}}\n");
  auto* mf = meta->add_managedfields();
  mf->set_manager("kubectl-client-side-apply");
  mf->set_operation("Update");
  mf->set_apiversion("v1");
  mf->set_fieldstype("FieldsV1");
  mf->mutable_fieldsv1()->set_raw(
      "{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},\"f:spec\":{\"f:containers\":"
      "{\"k:{\\\"name\\\":\\\"c\\\"}\":{\".\":{},\"f:image\":{},\"f:name\":{}}}}}");
  auto* container = pod.mutable_spec()->add_containers();
  container->set_name("c");
  container->set_image(absl::StrCat("nginx:1.", i % 30));
  auto* env = container->add_env();
  env->set_name("GREETING");
  env->set_value("he said \"hi\" ] [ } {");
  pod.mutable_status()->set_phase(i % 2 == 0 ? "Running" : "Pending");
  pod.mutable_status()->set_podip(absl::StrCat("10.0.", i / 250, ".", i % 250));
  return pod;
}

PodList RealisticList(int n) {
  PodList list;
  list.mutable_metadata()->set_resourceversion("123456");
  list.mutable_metadata()->set_continue_("eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIzfQ");
  list.mutable_metadata()->set_remainingitemcount(42);
  for (int i = 0; i < n; ++i) *list.add_items() = RealisticPod(i);
  return list;
}

// The JSON the apiserver writes for a list: kind, apiVersion, metadata, items (without kind).
std::string Encoded(const PodList& list) {
  api::JsonCodec codec(api::DefaultRegistry());
  absl::StatusOr<std::string> body = codec.Encode(list);
  EXPECT_TRUE(body.ok()) << body.status();
  return body.value_or("");
}

struct Decoded {
  absl::Status status;
  bool failed_in_feed = false;
  std::vector<std::string> items;
  api::meta::v1::ListMeta meta;
  std::string api_version;
  std::string kind;
  int type_checks = 0;
  size_t items_before_type_check = 0;
  size_t high_water = 0;
};

Decoded DecodeChunks(const std::vector<absl::string_view>& chunks, JsonListStreamLimits limits = {},
                     absl::Status type_answer = absl::OkStatus()) {
  Decoded out;
  JsonListStreamDecoder d(
      [&](absl::string_view api_version, absl::string_view kind) {
        out.api_version = std::string(api_version);
        out.kind = std::string(kind);
        ++out.type_checks;
        out.items_before_type_check = out.items.size();
        return type_answer;
      },
      [&](absl::string_view item) {
        out.items.emplace_back(item);
        return absl::OkStatus();
      },
      limits);
  for (absl::string_view chunk : chunks) {
    out.status = d.Feed(chunk);
    if (!out.status.ok()) {
      out.failed_in_feed = true;
      EXPECT_EQ(d.Feed("{}").code(), out.status.code()) << "errors are sticky";
      EXPECT_EQ(d.Finish().status().code(), out.status.code()) << "errors are sticky";
      out.high_water = d.buffered_high_water();
      return out;
    }
  }
  absl::StatusOr<api::meta::v1::ListMeta> meta = d.Finish();
  out.high_water = d.buffered_high_water();
  if (!meta.ok()) {
    out.status = meta.status();
    EXPECT_EQ(d.Finish().status(), out.status) << "errors are sticky";
    return out;
  }
  EXPECT_EQ(d.items(), static_cast<int64_t>(out.items.size()));
  out.meta = *meta;
  return out;
}

std::vector<absl::string_view> Split(absl::string_view body, const std::vector<size_t>& sizes) {
  std::vector<absl::string_view> chunks;
  for (size_t i = 0, at = 0; at < body.size(); ++i) {
    const size_t n = std::min(sizes[i % sizes.size()], body.size() - at);
    chunks.push_back(body.substr(at, n));
    at += n;
  }
  return chunks;
}

Decoded DecodeSized(absl::string_view body, const std::vector<size_t>& sizes,
                    JsonListStreamLimits limits = {}) {
  return DecodeChunks(Split(body, sizes), limits);
}

// The stream decode agrees with the whole-body parse: same type, items (as JSON values) and
// ListMeta. Also, each item is its body's own bytes.
void ExpectSameAsWhole(const Decoded& got, absl::string_view body, const WholeJsonList& whole) {
  ASSERT_TRUE(whole.status.ok()) << whole.status;
  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_EQ(got.kind, whole.kind);
  EXPECT_EQ(got.api_version, whole.api_version);
  EXPECT_EQ(got.type_checks, 1);
  ASSERT_EQ(got.items.size(), whole.items.size());
  for (size_t i = 0; i < got.items.size(); ++i) {
    EXPECT_NE(body.find(got.items[i]), absl::string_view::npos) << i;
    absl::StatusOr<boost::json::value> item = api::ParseJson(got.items[i]);
    ASSERT_TRUE(item.ok()) << item.status();
    EXPECT_EQ(*item, whole.items[i]) << i;
  }
  EXPECT_EQ(got.meta.SerializeAsString(), whole.meta.SerializeAsString());
}

// Two decodes gave the same outcome.
void ExpectSameDecode(const Decoded& a, const Decoded& b, absl::string_view what) {
  EXPECT_EQ(a.status.code(), b.status.code()) << what << ": " << a.status << " vs " << b.status;
  EXPECT_EQ(a.items, b.items) << what;
  EXPECT_EQ(a.meta.SerializeAsString(), b.meta.SerializeAsString()) << what;
  EXPECT_EQ(a.kind, b.kind) << what;
}

// Bodies with every feature the apiserver might (or a proxy could) produce.
std::vector<std::string> HandwrittenBodies() {
  return {
      // Keys reordered, whitespace everywhere, unknown members with nested containers and
      // strings that look like structure.
      " \n{ \"metadata\" : { \"resourceVersion\" : \"9\" , \"continue\":\"c\\u006Fnt\" } ,\r\n"
      "\t\"unknown\" : { \"a\" : [ 1 , { \"b\" : \"]}\\\"{[\" } , [ [ ] ] ] , \"n\" : null } ,"
      " \"items\" : [ {\"metadata\":{\"name\":\"a\\\\\"}} , { \"metadata\" : {\"name\": "
      "\"b\\u00fc\\ud83d\\ude00\"} } ] , \"number\" : -1.5e3 , \"t\" : true ,"
      " \"apiVersion\" : \"v1\" , \"kind\" : \"PodList\" } \n",
      // Escaped keys: \u0069tems is items, k\u0069nd is kind.
      "{\"k\\u0069nd\":\"PodList\",\"\\u0061piVersion\":\"v1\",\"metad\\u0061ta\":{},"
      "\"\\u0069tems\":[{\"metadata\":{\"name\":\"x\"}}]}",
      // Items null, empty, absent.
      "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":null}",
      "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"},"
      "\"items\":[]}",
      "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":[ ]}",
      "{\"kind\":\"PodList\"}",
      // Metadata null; an item that names its kind.
      "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":null,\"items\":[{\"kind\":\"Pod\","
      "\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p\"}},{}]}",
      // Items before kind and apiVersion; the unknown member is a bare literal and a string.
      "{\"items\":[{\"metadata\":{\"name\":\"first\"}}],\"x\":12345,\"y\":\"}\",\"apiVersion\":"
      "\"v1\",\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"77\"}}",
  };
}

TEST(JsonListStreamTest, EveryChunkingMatchesWholeBodyParse) {
  std::vector<std::string> bodies = HandwrittenBodies();
  bodies.push_back(Encoded(RealisticList(25)));
  for (const std::string& body : bodies) {
    SCOPED_TRACE(body.substr(0, 120));
    const WholeJsonList whole = ParseWholeJsonList(body);
    const Decoded at_once = DecodeSized(body, {body.size()});
    ExpectSameAsWhole(at_once, body, whole);
    ExpectSameAsWhole(DecodeSized(body, {1}), body, whole);
    for (size_t n : {2, 3, 7, 64, 1000}) ExpectSameAsWhole(DecodeSized(body, {n}), body, whole);
    std::mt19937 rng(7);
    for (int round = 0; round < 30; ++round) {
      std::vector<size_t> sizes;
      for (int i = 0; i < 32; ++i) sizes.push_back(1 + rng() % 300);
      ExpectSameDecode(DecodeSized(body, sizes), at_once, "random chunks");
    }
  }
}

TEST(JsonListStreamTest, EveryTwoWaySplitMatches) {
  std::vector<std::string> bodies = HandwrittenBodies();
  bodies.push_back(Encoded(RealisticList(3)));
  for (const std::string& body : bodies) {
    SCOPED_TRACE(body.substr(0, 120));
    const Decoded at_once = DecodeSized(body, {body.size()});
    ExpectSameAsWhole(at_once, body, ParseWholeJsonList(body));
    for (size_t cut = 1; cut < body.size(); ++cut) {
      const absl::string_view b = body;
      ExpectSameDecode(DecodeChunks({b.substr(0, cut), b.substr(cut)}), at_once,
                       absl::StrCat("split at ", cut));
      if (HasFailure()) return;
    }
  }
}

TEST(JsonListStreamTest, DecodedItemsEqualTheCodecsWholeListDecode) {
  const PodList list = RealisticList(40);
  const std::string body = Encoded(list);
  api::JsonCodec codec(api::DefaultRegistry());
  absl::StatusOr<api::DecodedObject> whole = codec.Decode(body);  // the old, buffered path
  ASSERT_TRUE(whole.ok()) << whole.status();
  const auto& whole_list = static_cast<const PodList&>(*whole->message);
  const Decoded got = DecodeSized(body, {333});
  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_EQ(got.kind, "PodList");
  EXPECT_EQ(got.api_version, "v1");
  EXPECT_EQ(got.items_before_type_check, 0u);
  ASSERT_EQ(got.items.size(), static_cast<size_t>(whole_list.items_size()));
  for (size_t i = 0; i < got.items.size(); ++i) {
    Pod pod;
    ASSERT_TRUE(codec.DecodeInto(got.items[i], &pod).ok()) << i;  // items carry no kind
    EXPECT_TRUE(MessageDifferencer::Equals(pod, whole_list.items(i))) << i;
    EXPECT_TRUE(MessageDifferencer::Equals(pod, list.items(i))) << i;
  }
  EXPECT_EQ(got.meta.SerializeAsString(), whole_list.metadata().SerializeAsString());
  EXPECT_EQ(got.meta.resourceversion(), "123456");
  EXPECT_EQ(got.meta.continue_(), "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIzfQ");
  EXPECT_EQ(got.meta.remainingitemcount(), 42);
}

TEST(JsonListStreamTest, EveryTruncationFailsNeverAPartialSuccess) {
  std::vector<std::string> bodies = HandwrittenBodies();
  bodies.push_back(Encoded(RealisticList(4)));
  for (const std::string& body : bodies) {
    SCOPED_TRACE(body.substr(0, 120));
    for (size_t cut = 0; cut < body.size(); ++cut) {
      const absl::string_view prefix = absl::string_view(body).substr(0, cut);
      const bool only_whitespace_dropped =
          body.find_first_not_of(" \t\r\n", cut) == std::string::npos;
      for (size_t n : {size_t{1}, size_t{5}, cut + 1}) {
        const Decoded got = DecodeSized(prefix, {n});
        if (only_whitespace_dropped) {
          EXPECT_TRUE(got.status.ok()) << cut << ": " << got.status;
          continue;
        }
        ASSERT_FALSE(got.status.ok()) << "cut at " << cut;
        EXPECT_FALSE(got.failed_in_feed) << cut << ": " << got.status;
        EXPECT_EQ(got.status.code(), absl::StatusCode::kDataLoss) << cut << ": " << got.status;
        EXPECT_NE(got.status.message().find(absl::StrCat("truncated at byte ", cut)),
                  absl::string_view::npos)
            << got.status;
      }
    }
  }
}

TEST(JsonListStreamTest, ItemsBeforeKindAreCheckedAtTheEnd) {
  const std::string body =
      "{\"items\":[{\"metadata\":{\"name\":\"a\"}},{\"metadata\":{\"name\":\"b\"}}],"
      "\"metadata\":{},\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\"}";
  const Decoded ok = DecodeSized(body, {4});
  ASSERT_TRUE(ok.status.ok()) << ok.status;
  EXPECT_EQ(ok.items.size(), 2u);
  EXPECT_EQ(ok.items_before_type_check, 2u);
  EXPECT_EQ(ok.kind, "ConfigMapList");
  // A failing check fails the list after its items were handed out: the caller drops them.
  const Decoded refused = DecodeChunks({body}, {}, absl::InvalidArgumentError("not pods"));
  EXPECT_EQ(refused.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status.message(), "not pods");
  // Only a kind known: checked at Finish with apiVersion "" (as JsonCodec reads a body).
  const Decoded no_version = DecodeSized("{\"items\":[],\"kind\":\"PodList\"}", {1});
  ASSERT_TRUE(no_version.status.ok()) << no_version.status;
  EXPECT_EQ(no_version.type_checks, 1);
  EXPECT_EQ(no_version.api_version, "");
  // No kind at all.
  for (absl::string_view bad :
       {"{}", "{\"apiVersion\":\"v1\",\"items\":[{}]}", "{\"kind\":\"\",\"apiVersion\":\"v1\"}"}) {
    const Decoded got = DecodeSized(bad, {1});
    EXPECT_EQ(got.status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(got.status.message().find("names no kind"), absl::string_view::npos) << got.status;
  }
}

TEST(JsonListStreamTest, TypeCheckRunsBeforeItemsAndStops) {
  const std::string body = Encoded(RealisticList(3));
  const Decoded got = DecodeChunks({body}, {}, absl::InvalidArgumentError("unexpected kind"));
  EXPECT_EQ(got.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(got.failed_in_feed);
  EXPECT_TRUE(got.items.empty());
}

TEST(JsonListStreamTest, MalformedBodiesSayWhere) {
  struct Case {
    std::string body;
    absl::StatusCode code;
    std::string message;
  };
  const std::string items = "{\"kind\":\"PodList\",\"items\":[";
  const std::vector<Case> cases = {
      {"[]", absl::StatusCode::kInvalidArgument,
       "expected '{' (a list body is a JSON object) at "
       "byte 0, found '['"},
      {"  \"PodList\"", absl::StatusCode::kInvalidArgument, "at byte 2"},
      {"", absl::StatusCode::kDataLoss, "truncated at byte 0 (before the list object)"},
      {"   ", absl::StatusCode::kDataLoss, "truncated at byte 3"},
      {"{\"kind\":\"PodList\"} x", absl::StatusCode::kInvalidArgument,
       "bytes after the list object at byte 19"},
      {"{\"kind\":\"PodList\"}{}", absl::StatusCode::kInvalidArgument,
       "bytes after the list object at byte 18"},
      {"{\"kind\" \"PodList\"}", absl::StatusCode::kInvalidArgument,
       "expected ':' at byte 8, found '\\\"'"},
      {"{\"kind\":\"PodList\",}", absl::StatusCode::kInvalidArgument,
       "expected a member name at byte 18, found '}'"},
      {"{kind:1}", absl::StatusCode::kInvalidArgument, "expected a member name at byte 1"},
      {items + "{},]}", absl::StatusCode::kInvalidArgument,
       "expected item 1 (an object) at byte 30"},
      {items + "1]}", absl::StatusCode::kInvalidArgument, "expected item 0 (an object) at byte 27"},
      {items + "{} {}]}", absl::StatusCode::kInvalidArgument,
       "expected ',' or ']' in items at byte 30"},
      {items + "{\"a\":tru}]}", absl::StatusCode::kInvalidArgument,
       "malformed JSON in item 0 that started at byte 27"},
      {items + "{\"a\":[}]}", absl::StatusCode::kInvalidArgument,
       "malformed JSON in item 0 that started at byte 27"},
      {items + "{\"a\":\"\\x\"}]}", absl::StatusCode::kInvalidArgument, "malformed JSON in item 0"},
      {items + "{\"a\":\"\xff\"}]}", absl::StatusCode::kInvalidArgument,
       "malformed JSON in item 0"},
      {items + "{\"a\":1}", absl::StatusCode::kDataLoss,
       "truncated at byte 34 (inside items, "
       "after 1 items)"},
      {items + "{\"a\":\"}]}", absl::StatusCode::kDataLoss,
       "truncated at byte 36 (inside item 0 that started at byte 27)"},
      {"{\"kind\":\"PodList\",\"x\":[1,2}", absl::StatusCode::kInvalidArgument,
       "malformed JSON in the value of \"x\" that started at byte 22"},
      {"{\"kind\":\"PodList\",\"x\":nul}", absl::StatusCode::kInvalidArgument,
       "malformed JSON in the value of \"x\""},
      {"{\"kind\":\"PodList\",\"x\":[", absl::StatusCode::kDataLoss,
       "inside the value of \"x\" that started at byte 22"},
      {"{\"kind\":\"PodList\",\"kin", absl::StatusCode::kDataLoss,
       "inside the member name that started at byte 18"},
      {"{\"kind\":\"PodList\",\"items\":{}}", absl::StatusCode::kInvalidArgument,
       "\"items\" at byte 26 is neither an array nor null"},
      {"{\"kind\":7}", absl::StatusCode::kInvalidArgument, "\"kind\" at byte 8 is not a string"},
      {"{\"kind\":\"PodList\",\"apiVersion\":null}", absl::StatusCode::kInvalidArgument,
       "\"apiVersion\" at byte 31 is not a string"},
      {"{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":5}}",
       absl::StatusCode::kInvalidArgument, "metadata at byte 29: resourceVersion"},
      {"{\"kind\":\"PodList\",\"metadata\":[]}", absl::StatusCode::kInvalidArgument,
       "metadata at byte 29"},
      {"{\"kind\":\"PodList\",\"items\":[],\"\\u0069tems\":[{}]}",
       absl::StatusCode::kInvalidArgument, "a second \"items\" member at byte 29"},
      {"{\"kind\":\"PodList\",\"kind\":\"PodList\"}", absl::StatusCode::kInvalidArgument,
       "a second \"kind\" member"},
      {"{\"kind\":\"PodList\",\"x\":" + std::string(300, '[') + std::string(300, ']') + "}",
       absl::StatusCode::kInvalidArgument, "malformed JSON in the value of \"x\""},
  };
  for (const Case& c : cases) {
    for (size_t n : {size_t{1}, size_t{3}, c.body.size() + 1}) {
      const Decoded got = DecodeSized(c.body, {n});
      EXPECT_EQ(got.status.code(), c.code) << c.body << " -> " << got.status;
      EXPECT_NE(got.status.message().find(c.message), absl::string_view::npos)
          << c.body << " -> " << got.status << "\nwanted: " << c.message;
      EXPECT_FALSE(ParseWholeJsonList(c.body).status.ok()) << c.body;
    }
  }
}

TEST(JsonListStreamTest, DepthLimitIsTheWholeBodyParsersLimit) {
  // The list object is level 1, items level 2: 256 levels in all are accepted, 257 are not.
  for (int extra : {253, 254, 255}) {
    const std::string nested = std::string(extra, '[') + std::string(extra, ']');
    const std::string in_item = "{\"kind\":\"PodList\",\"items\":[{\"a\":" + nested + "}]}";
    const std::string in_member = "{\"kind\":\"PodList\",\"x\":{\"a\":" + nested + "}}";
    for (const std::string& body : {in_item, in_member}) {
      const WholeJsonList whole = ParseWholeJsonList(body);
      const Decoded got = DecodeSized(body, {7});
      EXPECT_EQ(got.status.ok(), whole.status.ok()) << extra << ": " << got.status;
      if (whole.status.ok()) ExpectSameAsWhole(got, body, whole);
    }
  }
}

TEST(JsonListStreamTest, OversizedItemFailsBeforeItIsBufferedWhole) {
  PodList list = RealisticList(3);
  (*list.mutable_items(1)->mutable_metadata()->mutable_annotations())["big"] =
      std::string(100000, 'b');
  const std::string body = Encoded(list);
  JsonListStreamLimits limits;
  limits.max_item_bytes = 10000;
  for (size_t n : {size_t{1}, size_t{4096}, body.size()}) {
    const Decoded got = DecodeSized(body, {n}, limits);
    EXPECT_EQ(got.status.code(), absl::StatusCode::kResourceExhausted) << got.status;
    EXPECT_TRUE(got.failed_in_feed);
    EXPECT_NE(got.status.message().find("item 1 that started at byte"), absl::string_view::npos)
        << got.status;
    EXPECT_EQ(got.items.size(), 1u);
    // Held: at most the limit (+1 byte) of the item, plus the chunk, plus kind/apiVersion.
    EXPECT_LE(got.high_water, limits.max_item_bytes + 1 + n + 64) << n;
  }
  // An item of exactly the limit passes; one more byte does not.
  const std::string exact = "{\"kind\":\"PodList\",\"items\":[{\"a\":\"" + std::string(92, 'x') +
                            "\"}  ,{}]}";  // item: 8 + 92 = 100 bytes, whitespace after it
  limits.max_item_bytes = 100;
  for (size_t n : {size_t{1}, size_t{2}, exact.size()}) {
    EXPECT_TRUE(DecodeSized(exact, {n}, limits).status.ok()) << n;
  }
  limits.max_item_bytes = 99;
  for (size_t n : {size_t{1}, size_t{2}, exact.size()}) {
    EXPECT_EQ(DecodeSized(exact, {n}, limits).status.code(), absl::StatusCode::kResourceExhausted);
  }
  // The small members have their own limit; a skipped member needs none.
  limits = {};
  limits.max_small_field_bytes = 50;
  const std::string big_meta =
      "{\"kind\":\"PodList\",\"metadata\":{\"continue\":\"" + std::string(60, 'c') + "\"}}";
  EXPECT_EQ(DecodeSized(big_meta, {1}, limits).status.code(), absl::StatusCode::kResourceExhausted);
  const std::string big_key = "{\"kind\":\"PodList\",\"" + std::string(60, 'k') + "\":1}";
  EXPECT_EQ(DecodeSized(big_key, {1}, limits).status.code(), absl::StatusCode::kResourceExhausted);
  const std::string big_unknown =
      "{\"kind\":\"PodList\",\"unknown\":[\"" + std::string(100000, 'u') + "\"]}";
  const Decoded skipped = DecodeSized(big_unknown, {1000}, limits);
  EXPECT_TRUE(skipped.status.ok()) << skipped.status;
  EXPECT_LE(skipped.high_water, 1000u + 64) << "a skipped member is not buffered";
}

TEST(JsonListStreamTest, BuffersAboutOneItemNotTheList) {
  const PodList list = RealisticList(2000);
  const std::string body = Encoded(list);
  size_t largest_item = 0;
  const WholeJsonList whole = ParseWholeJsonList(body);
  ASSERT_TRUE(whole.status.ok());
  for (const boost::json::value& item : whole.items) {
    largest_item = std::max(largest_item, boost::json::serialize(item).size());
  }
  for (size_t chunk : {size_t{1}, size_t{4096}, size_t{65536}}) {
    const Decoded got = DecodeSized(body, {chunk});
    ExpectSameAsWhole(got, body, whole);
    // kind + apiVersion + the longest key ("metadata") are the slack.
    EXPECT_LE(got.high_water, largest_item + chunk + 32) << chunk;
    std::cout << "2000-item JSON list: body " << body.size() << " bytes, largest item "
              << largest_item << " bytes, chunk " << chunk << " bytes: buffered_high_water "
              << got.high_water << " bytes\n";
  }
}

TEST(JsonListStreamTest, CorruptedBodiesErrOrAgreeWithTheWholeBodyParse) {
  std::vector<std::string> bodies = HandwrittenBodies();
  bodies.push_back(Encoded(RealisticList(3)));
  std::mt19937 rng(11);
  const std::string alphabet = "{}[]\",:\\ u0123456789abcdefnultrsIiKk\xff\xc3\x01";
  int agreed_ok = 0;
  int agreed_error = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string bad = bodies[rng() % bodies.size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits; ++k) {
      const size_t at = rng() % bad.size();
      switch (rng() % 3) {
        case 0:
          bad[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          bad.erase(at, 1 + rng() % 4);
          break;
        default:
          bad.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
      }
      if (bad.empty()) bad = "{";
    }
    const WholeJsonList whole = ParseWholeJsonList(bad);
    const Decoded at_once = DecodeSized(bad, {bad.size()});
    const Decoded chunked = DecodeSized(bad, {1 + rng() % 50});
    ExpectSameDecode(chunked, at_once, bad);
    ASSERT_EQ(at_once.status.ok(), whole.status.ok())
        << bad << "\nstream: " << at_once.status << "\nwhole: " << whole.status;
    if (whole.status.ok()) {
      ExpectSameAsWhole(at_once, bad, whole);
      ++agreed_ok;
    } else {
      ++agreed_error;
    }
    if (HasFailure()) return;
  }
  EXPECT_GT(agreed_ok, 100);
  EXPECT_GT(agreed_error, 1000);
}

}  // namespace
}  // namespace kube::informers::internal
