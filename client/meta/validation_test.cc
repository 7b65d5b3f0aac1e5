#include "client/meta/validation.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::meta {
namespace {

using ::testing::HasSubstr;

TEST(LabelKeyTest, AcceptsNamesWithOptionalDnsPrefix) {
  for (const std::string& key :
       {std::string("a"), std::string("A"), std::string("9"), std::string("a.b-c_D"),
        std::string("example.com/a"), std::string("k8s.io/Name"), std::string("a-b.c/x"),
        std::string(63, 'n'), std::string(253, 'p') + "/n"}) {
    EXPECT_TRUE(IsLabelKey(key)) << key;
    EXPECT_TRUE(ValidateLabelKey(key).ok()) << key;
  }
}

TEST(LabelKeyTest, RejectsWhatApimachineryRejects) {
  for (const std::string& key :
       {std::string(""), std::string("-a"), std::string("a-"), std::string(".a"),
        std::string("a b"), std::string("a/b/c"), std::string("/a"), std::string("a/"),
        std::string("A.com/a"), std::string("a_b.com/a"), std::string("a..b/c"),
        std::string(".a/b"), std::string("a./b"), std::string(64, 'n'),
        std::string(254, 'p') + "/n", std::string("\xc3\xa9")}) {
    EXPECT_FALSE(IsLabelKey(key)) << key;
    absl::Status s = ValidateLabelKey(key);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << key;
    EXPECT_THAT(s.message(), HasSubstr("invalid label key")) << key;
  }
  EXPECT_THAT(ValidateLabelKey(std::string(64, 'n')).message(), HasSubstr("no more than 63"));
  EXPECT_THAT(ValidateLabelKey("/a").message(), HasSubstr("prefix part must be non-empty"));
  EXPECT_THAT(ValidateLabelKey("A.com/a").message(), HasSubstr("prefix part"));
}

TEST(LabelValueTest, EmptyOrLabelNameShape) {
  EXPECT_TRUE(IsLabelValue(""));
  EXPECT_TRUE(IsLabelValue("a"));
  EXPECT_TRUE(IsLabelValue("A_b.c-9"));
  EXPECT_TRUE(IsLabelValue(std::string(63, 'v')));
  EXPECT_FALSE(IsLabelValue(std::string(64, 'v')));
  EXPECT_FALSE(IsLabelValue("-a"));
  EXPECT_FALSE(IsLabelValue("a_"));
  EXPECT_FALSE(IsLabelValue("a/b"));
  EXPECT_FALSE(IsLabelValue("a b"));
  EXPECT_TRUE(ValidateLabelValue("").ok());
  EXPECT_THAT(ValidateLabelValue("a b").message(), HasSubstr("invalid label value"));
}

TEST(DnsTest, LabelsAndSubdomains) {
  EXPECT_TRUE(IsDns1123Label("default"));
  EXPECT_TRUE(IsDns1123Label("a-1"));
  EXPECT_TRUE(IsDns1123Label(std::string(63, 'a')));
  EXPECT_FALSE(IsDns1123Label(std::string(64, 'a')));
  EXPECT_FALSE(IsDns1123Label(""));
  EXPECT_FALSE(IsDns1123Label("Default"));
  EXPECT_FALSE(IsDns1123Label("a.b"));
  EXPECT_FALSE(IsDns1123Label("-a"));
  EXPECT_FALSE(ValidateDns1123Label("a_b").ok());

  EXPECT_TRUE(IsDns1123Subdomain("example.com"));
  EXPECT_TRUE(IsDns1123Subdomain("a"));
  // No per-part limit, only the total (as apimachinery's regular expression).
  EXPECT_TRUE(IsDns1123Subdomain(std::string(100, 'a') + "." + std::string(100, 'b')));
  EXPECT_TRUE(IsDns1123Subdomain(std::string(253, 'a')));
  EXPECT_FALSE(IsDns1123Subdomain(std::string(254, 'a')));
  EXPECT_FALSE(IsDns1123Subdomain(""));
  EXPECT_FALSE(IsDns1123Subdomain("a..b"));
  EXPECT_FALSE(IsDns1123Subdomain("a."));
  EXPECT_FALSE(IsDns1123Subdomain(".a"));
  EXPECT_FALSE(IsDns1123Subdomain("a-.b"));
  EXPECT_FALSE(IsDns1123Subdomain("Example.com"));
  EXPECT_THAT(ValidateDns1123Subdomain(std::string(254, 'a')).message(),
              HasSubstr("no more than 253"));
}

TEST(PathSegmentNameTest, RejectsDotsSlashAndPercent) {
  EXPECT_TRUE(IsPathSegmentName("system:controller:x"));
  EXPECT_TRUE(IsPathSegmentName("a.b"));
  EXPECT_FALSE(IsPathSegmentName("."));
  EXPECT_FALSE(IsPathSegmentName(".."));
  EXPECT_FALSE(IsPathSegmentName("a/b"));
  EXPECT_FALSE(IsPathSegmentName("a%2F"));
  EXPECT_FALSE(ValidatePathSegmentName("..").ok());
}

}  // namespace
}  // namespace kube::meta
