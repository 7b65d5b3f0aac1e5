#include "indexers/index_registry.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexers/indexer.h"
#include "indexers/testing/test_object.h"

namespace kube::indexers {
namespace {

using ::kube::indexers::testing::MakeObject;
using ::kube::indexers::testing::TestObject;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

IndexDefinition<TestObject> ByPayload(std::string name) {
  return {std::move(name), "test:payload",
          [](const TestObject& o) { return std::vector<std::string>{o.payload}; }};
}

TEST(IndexRegistryTest, BuildsAnImmutableRegistryOfNamedDefinitions) {
  IndexRegistry<TestObject>::Builder builder;
  ASSERT_TRUE(builder.Add(ByPayload("payload")).ok());
  ASSERT_TRUE(builder.Add(LabelIndex<TestObject>("app")).ok());
  IndexRegistry<TestObject> registry = std::move(builder).Build();
  EXPECT_EQ(registry.size(), 2u);
  EXPECT_THAT(registry.Names(), ElementsAre("label:app", "payload"));
  ASSERT_NE(registry.Find("payload"), nullptr);
  EXPECT_EQ(registry.Find("payload")->identity, "test:payload");
  EXPECT_EQ(registry.Find("nope"), nullptr);
  IndexRegistry<TestObject> copy = registry;  // shares the definitions
  EXPECT_EQ(copy.Find("payload"), registry.Find("payload"));
}

TEST(IndexRegistryTest, DuplicateNameIsAlreadyExistsAndKeepsTheFirst) {
  IndexRegistry<TestObject>::Builder builder;
  ASSERT_TRUE(builder.Add(ByPayload("x")).ok());
  IndexDefinition<TestObject> other = ByPayload("x");
  other.identity = "test:other";
  absl::Status status = builder.Add(std::move(other));
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(status.message(), HasSubstr("x"));
  IndexRegistry<TestObject> registry = std::move(builder).Build();
  EXPECT_EQ(registry.Find("x")->identity, "test:payload");
}

TEST(IndexRegistryTest, RefusesEmptyNameAndEmptyFunction) {
  IndexRegistry<TestObject>::Builder builder;
  EXPECT_EQ(builder.Add(ByPayload("")).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(builder.Add({"f", "id", nullptr}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::move(builder).Build().size(), 0u);
}

TEST(IndexRegistryTest, SelectFeedsAnIndexer) {
  IndexRegistry<TestObject>::Builder builder;
  ASSERT_TRUE(builder.Add(ByPayload("payload")).ok());
  ASSERT_TRUE(builder.Add(LabelIndex<TestObject>("app")).ok());
  IndexRegistry<TestObject> registry = std::move(builder).Build();

  EXPECT_EQ(registry.Select({"payload", "missing"}).status().code(), absl::StatusCode::kNotFound);

  Indexer<TestObject> indexer;
  indexer.Upsert(MakeObject("ns", "a", "1", {{"app", "web"}}, "p1"));
  auto selected = registry.Select({"payload"});
  ASSERT_TRUE(selected.ok()) << selected.status();
  ASSERT_TRUE(indexer.AddIndexers(*std::move(selected)).ok());
  auto keys = indexer.IndexKeys("payload", "p1");
  ASSERT_TRUE(keys.ok());
  EXPECT_THAT(*keys, ElementsAre("ns/a"));
  // The registry still holds its definition after the copy went to the indexer.
  EXPECT_TRUE(static_cast<bool>(registry.Find("payload")->func));
}

}  // namespace
}  // namespace kube::indexers
