#include "indexers/internal/item_table.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/meta/object_key.h"
#include "gtest/gtest.h"
#include "indexers/internal/packed_key.h"

namespace kube::indexers::internal {
namespace {

struct Object {
  std::string payload;
};
using Table = ItemTable<Object>;

std::shared_ptr<const Object> Make(std::string payload) {
  return std::make_shared<const Object>(Object{std::move(payload)});
}

TEST(PackedKeyTest, KeepsShortKeysInlineAndLongOnesOnTheHeapWithTheSameBehaviour) {
  const std::string long_name(253, 'n');
  for (const meta::ObjectKeyRef ref :
       {meta::ObjectKeyRef{"default", "web-0"}, meta::ObjectKeyRef{"", "node-a"},
        meta::ObjectKeyRef{"kube-system", long_name}, meta::ObjectKeyRef{"", long_name}}) {
    const PackedKey key(ref);
    const std::string text =
        ref.ns.empty() ? std::string(ref.name) : absl::StrCat(ref.ns, "/", ref.name);
    EXPECT_EQ(key.Text(), text);
    EXPECT_EQ(key.Ref(), ref);
    EXPECT_EQ(key.ToObjectKey().String(), text);
    // Copies and moves carry the text, whichever storage it is in.
    PackedKey copy(key);
    PackedKey moved(std::move(copy));
    EXPECT_EQ(moved.Text(), text);
    PackedKey assigned(meta::ObjectKeyRef{"x", "y"});
    assigned = moved;
    EXPECT_EQ(assigned.Ref(), ref);
    assigned = PackedKey(meta::ObjectKeyRef{"x", "y"});
    EXPECT_EQ(assigned.Text(), "x/y");
    // The three ways to look a key up hash alike.
    EXPECT_EQ(PackedKeyHash()(key), PackedKeyHash()(absl::string_view(text)));
    EXPECT_EQ(PackedKeyHash()(key), PackedKeyHash()(ref));
    EXPECT_TRUE(PackedKeyEq()(key, absl::string_view(text)));
    EXPECT_TRUE(PackedKeyEq()(key, ref));
  }
}

TEST(ItemTableTest, LooksUpByTextOrRefAndHandsOutPointersThatOutliveTheEntry) {
  Table table;
  EXPECT_EQ(table.Put(Table::MakeEntry({"default", "a"}, Make("a1"))), nullptr);
  EXPECT_EQ(table.Put(Table::MakeEntry({"", "cluster-thing"}, Make("c1"))), nullptr);
  ASSERT_EQ(table.size(), 2u);

  std::shared_ptr<const Object> got = table.Lookup(absl::string_view("default/a"));
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->payload, "a1");
  EXPECT_EQ(table.Lookup(meta::ObjectKeyRef{"default", "a"}), got);
  EXPECT_EQ(table.Lookup(absl::string_view("cluster-thing"))->payload, "c1");
  EXPECT_EQ(table.Lookup(absl::string_view("default/b")), nullptr);
  EXPECT_EQ(table.Lookup(absl::string_view("other/a")), nullptr);

  // Replacing returns the old entry; a reader holding the old object still has it.
  Table::EntryPtr old = table.Put(Table::MakeEntry({"default", "a"}, Make("a2")));
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(old->object->payload, "a1");
  old.reset();
  EXPECT_EQ(got->payload, "a1");
  EXPECT_EQ(table.Lookup(absl::string_view("default/a"))->payload, "a2");
  EXPECT_EQ((*table.Find(meta::ObjectKeyRef{"default", "a"}))->payload, "a2");

  // Erasing removes it; the pointer handed out before stays valid.
  std::shared_ptr<const Object> a2 = table.Lookup(absl::string_view("default/a"));
  Table::EntryPtr erased = table.Erase({"default", "a"});
  ASSERT_NE(erased, nullptr);
  erased.reset();
  EXPECT_FALSE(table.Contains(absl::string_view("default/a")));
  EXPECT_EQ(a2->payload, "a2");
  EXPECT_EQ(table.Erase({"default", "a"}), nullptr);
  EXPECT_EQ(table.size(), 1u);
}

TEST(ItemTableTest, ManyKeysOfEveryLengthSurviveGrowthAndSwap) {
  Table table;
  std::vector<std::string> names;
  for (int i = 0; i < 5000; ++i) names.push_back(absl::StrCat(std::string(i % 120, 'p'), i));
  for (const std::string& name : names) table.Put(Table::MakeEntry({"ns", name}, Make(name)));
  Table other;
  other.swap(table);
  EXPECT_EQ(table.size(), 0u);
  ASSERT_EQ(other.size(), names.size());
  for (const std::string& name : names) {
    auto got = other.Lookup(absl::string_view(absl::StrCat("ns/", name)));
    ASSERT_NE(got, nullptr) << name;
    EXPECT_EQ(got->payload, name);
  }
  size_t seen = 0;
  other.ForEach([&](const Table::Entry& e) { seen += e.object->payload == e.key.Ref().name; });
  EXPECT_EQ(seen, names.size());
  std::vector<std::shared_ptr<const Object>> shared;
  other.ForEachShared([&](std::shared_ptr<const Object> o) { shared.push_back(std::move(o)); });
  EXPECT_EQ(shared.size(), names.size());
}

}  // namespace
}  // namespace kube::indexers::internal
