#include "plugins/host/object_view.h"

#include <string>

#include "gtest/gtest.h"

namespace kube::plugins {
namespace {

bool Protected(const char* path) { return IsProtectedField(*FieldPath::Parse(path)); }

TEST(IsProtectedFieldTest, IdentityFieldsAreProtected) {
  for (const char* path : {"kind", "apiVersion", "metadata", "metadata.name", "metadata.namespace",
                           "metadata.uid", "metadata.resourceVersion"}) {
    EXPECT_TRUE(Protected(path)) << path;
  }
}

TEST(IsProtectedFieldTest, EverythingElseMayBeRemoved) {
  for (const char* path :
       {"spec", "status", "metadata.managedFields", "metadata.labels", "metadata.labels['a']",
        "metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']",
        "metadata.ownerReferences", "spec.name", "metadata.generateName"}) {
    EXPECT_FALSE(Protected(path)) << path;
  }
}

TEST(FieldValueTest, BorrowedPointsIntoTheSourceOwnedKeepsItsCopy) {
  std::string source = "node-1";
  FieldValue borrowed = FieldValue::Borrowed(source);
  EXPECT_FALSE(borrowed.owned());
  EXPECT_EQ(borrowed.text().data(), source.data());

  FieldValue owned = FieldValue::Owned("42");
  EXPECT_TRUE(owned.owned());
  EXPECT_EQ(owned.text(), "42");
  EXPECT_EQ(std::move(owned).TakeOwned(), "42");
}

}  // namespace
}  // namespace kube::plugins
