#include "informers/internal/proto_list_stream.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/api/builtin_kinds.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/protobuf_codec.h"
#include "gtest/gtest.h"

namespace kube::informers::internal {
namespace {

using api::core::v1::Pod;
using api::core::v1::PodList;

// A real body: the codec's own encoding of a PodList of `n` pods of varied sizes.
std::string EncodedList(int n, PodList* list_out) {
  PodList list;
  list.mutable_metadata()->set_resourceversion("12345");
  list.mutable_metadata()->set_continue_("next-page-token");
  list.mutable_metadata()->set_remainingitemcount(7);
  for (int i = 0; i < n; ++i) {
    Pod* pod = list.add_items();
    pod->mutable_metadata()->set_name(absl::StrCat("pod-", i));
    pod->mutable_metadata()->set_namespace_("default");
    pod->mutable_metadata()->set_resourceversion(absl::StrCat(100 + i));
    (*pod->mutable_metadata()->mutable_labels())["app"] = std::string(i * 37 % 300, 'x');
    pod->mutable_spec()->add_containers()->set_image(absl::StrCat("img:", i));
  }
  api::ProtobufCodec codec(api::DefaultRegistry());
  absl::StatusOr<std::string> body = codec.Encode(list);
  EXPECT_TRUE(body.ok()) << body.status();
  *list_out = std::move(list);
  return body.value_or("");
}

struct Decoded {
  std::vector<std::string> items;
  api::meta::v1::ListMeta meta;
  std::string kind;
  absl::Status status;
  size_t high_water = 0;
};

Decoded DecodeChunked(absl::string_view body, const std::vector<size_t>& sizes) {
  Decoded out;
  ProtoListStreamDecoder d(
      [&](absl::string_view api_version, absl::string_view kind) {
        out.kind = absl::StrCat(api_version, "/", kind);
        return absl::OkStatus();
      },
      [&](absl::string_view item) {
        out.items.emplace_back(item);
        return absl::OkStatus();
      });
  size_t at = 0;
  for (size_t i = 0; at < body.size(); ++i) {
    const size_t n = sizes[i % sizes.size()];
    out.status = d.Feed(body.substr(at, n));
    at += n;
    if (!out.status.ok()) return out;
  }
  absl::StatusOr<api::meta::v1::ListMeta> meta = d.Finish();
  if (!meta.ok()) {
    out.status = meta.status();
    return out;
  }
  out.meta = *meta;
  out.high_water = d.buffered_high_water();
  return out;
}

void ExpectSameAsWhole(const Decoded& got, absl::string_view body) {
  ASSERT_TRUE(got.status.ok()) << got.status;
  // The whole-body decoder: what RestListWatchCore::List uses today.
  api::ProtobufCodec codec(api::DefaultRegistry());
  absl::StatusOr<api::DecodedObject> whole = codec.Decode(body);
  ASSERT_TRUE(whole.ok()) << whole.status();
  const auto& list = static_cast<const PodList&>(*whole->message);
  EXPECT_EQ(got.kind, "v1/PodList");
  ASSERT_EQ(got.items.size(), static_cast<size_t>(list.items_size()));
  for (int i = 0; i < list.items_size(); ++i) {
    Pod pod;
    ASSERT_TRUE(pod.ParseFromString(got.items[i]));
    EXPECT_EQ(pod.SerializeAsString(), list.items(i).SerializeAsString()) << i;
  }
  EXPECT_EQ(got.meta.resourceversion(), list.metadata().resourceversion());
  EXPECT_EQ(got.meta.continue_(), list.metadata().continue_());
  EXPECT_EQ(got.meta.resourceversion(), "12345");
  EXPECT_EQ(got.meta.continue_(), "next-page-token");
}

TEST(ProtoListStreamTest, EveryChunkingMatchesWholeBodyDecode) {
  PodList list;
  const std::string body = EncodedList(40, &list);
  ExpectSameAsWhole(DecodeChunked(body, {1}), body);
  ExpectSameAsWhole(DecodeChunked(body, {body.size()}), body);
  for (size_t n : {2, 3, 7, 64, 1000}) ExpectSameAsWhole(DecodeChunked(body, {n}), body);
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::vector<size_t> sizes;
    for (int i = 0; i < 32; ++i) sizes.push_back(1 + rng() % 500);
    ExpectSameAsWhole(DecodeChunked(body, sizes), body);
  }
}

TEST(ProtoListStreamTest, BuffersAboutOneItemNotTheList) {
  PodList list;
  const std::string body = EncodedList(400, &list);
  size_t largest_item = 0;
  for (const Pod& p : list.items()) largest_item = std::max(largest_item, p.ByteSizeLong());
  const Decoded got = DecodeChunked(body, {256});
  ExpectSameAsWhole(got, body);
  EXPECT_LE(got.high_water, largest_item + 256 + list.metadata().ByteSizeLong() + 32);
  EXPECT_LT(got.high_water * 20, body.size());
}

TEST(ProtoListStreamTest, EmptyList) {
  PodList list;
  const std::string body = EncodedList(0, &list);
  const Decoded got = DecodeChunked(body, {1});
  ExpectSameAsWhole(got, body);
}

TEST(ProtoListStreamTest, EveryTruncationIsAnErrorNotACrash) {
  PodList list;
  const std::string body = EncodedList(5, &list);
  // Protobuf has no end marker: a cut after raw that drops only the trailing (empty)
  // contentEncoding/contentType fields is still a valid Unknown, for the whole-body decoder too.
  // Every cut inside the list itself must fail.
  api::ProtobufCodec codec(api::DefaultRegistry());
  int failures = 0;
  for (size_t cut = 0; cut < body.size(); ++cut) {
    const std::string prefix = body.substr(0, cut);
    const Decoded got = DecodeChunked(prefix, {3});
    if (codec.Decode(prefix).ok()) {
      // Stricter than the whole-body decoder on purpose: typeMeta with no raw at all is not a
      // list response.
      if (!got.status.ok()) {
        EXPECT_NE(got.status.message().find("no raw"), absl::string_view::npos) << got.status;
        continue;
      }
      ExpectSameAsWhole(got, prefix);
      continue;
    }
    ++failures;
    EXPECT_EQ(got.status.code(), absl::StatusCode::kInvalidArgument)
        << "cut at " << cut << ": " << got.status;
  }
  EXPECT_GE(failures, static_cast<int>(body.size()) - 8);
}

TEST(ProtoListStreamTest, GarbageIsAnErrorNotACrash) {
  EXPECT_FALSE(DecodeChunked("not protobuf at all", {4}).status.ok());
  EXPECT_FALSE(DecodeChunked(std::string("k8s\0", 4) + std::string(20, '\xff'), {1}).status.ok());
  PodList list;
  const std::string body = EncodedList(5, &list);
  std::mt19937 rng(11);
  for (int round = 0; round < 2000; ++round) {
    std::string bad = body;
    for (int k = 0; k < 3; ++k) bad[rng() % bad.size()] = static_cast<char>(rng());
    DecodeChunked(bad, {1 + rng() % 50});  // any result, but no crash or hang
  }
}

TEST(ProtoListStreamTest, TypeCheckRunsBeforeItemsAndStops) {
  PodList list;
  const std::string body = EncodedList(3, &list);
  int items = 0;
  ProtoListStreamDecoder d(
      [](absl::string_view, absl::string_view kind) {
        return absl::InvalidArgumentError(absl::StrCat("unexpected ", kind));
      },
      [&](absl::string_view) {
        ++items;
        return absl::OkStatus();
      });
  absl::Status s = d.Feed(body);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("unexpected PodList"), absl::string_view::npos) << s;
  EXPECT_EQ(items, 0);
  EXPECT_FALSE(d.Finish().ok());
}

TEST(ProtoListStreamTest, OversizedItemIsResourceExhausted) {
  PodList list;
  const std::string body = EncodedList(3, &list);
  ProtoListStreamLimits limits;
  limits.max_item_bytes = 8;
  ProtoListStreamDecoder d(
      nullptr, [](absl::string_view) { return absl::OkStatus(); }, limits);
  EXPECT_EQ(d.Feed(body).code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace kube::informers::internal
