#include "informers/internal/object_arena.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/api/core/v1/pod.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace kube::informers::internal {
namespace {

using api::core::v1::Pod;

// A pod with `containers` containers, labels and long strings (text on the heap).
Pod SamplePod(int containers) {
  Pod pod;
  pod.mutable_metadata()->set_name("web-0");
  pod.mutable_metadata()->set_namespace_("default");
  (*pod.mutable_metadata()->mutable_labels())["app"] = "web";
  (*pod.mutable_metadata()->mutable_annotations())["note"] = std::string(300, 'n');
  for (int i = 0; i < containers; ++i) {
    auto* c = pod.mutable_spec()->add_containers();
    c->set_name(absl::StrCat("container-", i));
    c->set_image(absl::StrCat("registry.example/team/image-", i, ":v1.2.3"));
    c->add_args("--verbose");
  }
  pod.mutable_spec()->set_nodename("node-a");
  return pod;
}

absl::StatusOr<std::shared_ptr<const google::protobuf::Message>> DecodeWire(const std::string& wire,
                                                                            ArenaSizer& sizer) {
  return DecodeOnOwnArena(
      Pod::default_instance(), wire.size(), sizer, [&](google::protobuf::Message* m) {
        return m->ParseFromString(wire) ? absl::OkStatus() : absl::InvalidArgumentError("bad");
      });
}

TEST(ObjectArenaTest, DecodesOntoItsOwnArenaAndEqualsAHeapDecode) {
  const Pod pod = SamplePod(3);
  const std::string wire = pod.SerializeAsString();
  ArenaSizer sizer;
  auto decoded = DecodeWire(wire, sizer);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  auto typed = std::static_pointer_cast<const Pod>(*decoded);
  ASSERT_NE(typed->GetArena(), nullptr);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*typed, pod));
  // A copy made from it lives on the heap, independent of the arena.
  Pod copy = *typed;
  decoded->reset();
  typed.reset();  // last reference: the arena and its block are freed
  EXPECT_EQ(copy.GetArena(), nullptr);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(copy, pod));
}

TEST(ObjectArenaTest, AnObjectLargerThanItsFirstBlockIsWholeAndRaisesTheRatio) {
  // 200 containers need far more than ratio x wire size at the start: the arena overflows into
  // further blocks, the object is still complete, and the sizer learns a larger ratio.
  const Pod pod = SamplePod(200);
  const std::string wire = pod.SerializeAsString();
  ArenaSizer sizer;
  const double before = sizer.Ratio();
  auto decoded = DecodeWire(wire, sizer);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(**decoded, pod));
  EXPECT_GT(sizer.Ratio(), before);
}

TEST(ObjectArenaTest, TheRatioSettlesWhereMostObjectsFitTheirFirstBlock) {
  const std::string wire = SamplePod(4).SerializeAsString();
  ArenaSizer sizer;
  int overflows = 0;
  std::vector<std::shared_ptr<const google::protobuf::Message>> kept;
  for (int i = 0; i < 4000; ++i) {
    const size_t first_block = sizer.FirstBlockBytes(wire.size());
    auto decoded = DecodeWire(wire, sizer);
    ASSERT_TRUE(decoded.ok());
    const auto* arena = (*decoded)->GetArena();
    if (i >= 2000) overflows += arena->SpaceAllocated() > first_block;
    if (i % 100 == 0) kept.push_back(*decoded);  // some outlive later decodes
  }
  // Raised by 1/64 on an overflow, lowered by 1/1024 otherwise: about 6% overflow once settled.
  EXPECT_GT(overflows, 20);
  EXPECT_LT(overflows, 300);
}

TEST(ObjectArenaTest, FirstBlocksStayWithinTheirBounds) {
  ArenaSizer sizer;
  EXPECT_EQ(sizer.FirstBlockBytes(0), ArenaSizer::kMinFirstBlock);
  EXPECT_EQ(sizer.FirstBlockBytes(10), ArenaSizer::kMinFirstBlock);
  EXPECT_EQ(sizer.FirstBlockBytes(size_t{1} << 30), ArenaSizer::kMaxFirstBlock);
  EXPECT_EQ(sizer.FirstBlockBytes(1000) % 64, 0u);
  for (int i = 0; i < 100000; ++i) sizer.Observe(/*overflowed=*/false);
  EXPECT_GE(sizer.Ratio(), 0.25);  // never lower: a first block is at least a quarter of the wire
  for (int i = 0; i < 1000; ++i) sizer.Observe(/*overflowed=*/true);
  EXPECT_LE(sizer.Ratio(), 64.0);
}

TEST(ObjectArenaTest, ADecodeErrorIsReturnedAndNothingIsKept) {
  ArenaSizer sizer;
  auto decoded = DecodeWire("\xff\xff\xff", sizer);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().message(), "bad");
}

// Objects decoded on one thread are read and released on others (as handlers do); under tsan
// this checks the arena's teardown is not racing with anything.
TEST(ObjectArenaTest, ObjectsReleasedOnOtherThreads) {
  const std::string wire = SamplePod(2).SerializeAsString();
  ArenaSizer sizer;
  std::vector<std::shared_ptr<const google::protobuf::Message>> objects;
  for (int i = 0; i < 2000; ++i) {
    auto decoded = DecodeWire(wire, sizer);
    ASSERT_TRUE(decoded.ok());
    objects.push_back(*decoded);
  }
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([objects, t]() mutable {
      size_t names = 0;
      for (size_t i = t; i < objects.size(); i += 2) {
        names += static_cast<const Pod&>(*objects[i]).metadata().name().size();
        objects[i].reset();
      }
      EXPECT_EQ(names, 5u * objects.size() / 2);
    });
  }
  objects.clear();
  for (auto& r : readers) r.join();
}

}  // namespace
}  // namespace kube::informers::internal
