// YAML manifests read with Kubernetes' scalar typing, and JSON rendered back as YAML that reads
// as the same JSON.
#include "tools/kubecpp/yaml_json.h"

#include <string>
#include <vector>

#include "boost/json.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::tool {
namespace {

namespace json = boost::json;

TEST(YamlJsonTest, ScalarsAreTypedAsKubernetesReadsThem) {
  absl::StatusOr<std::vector<json::value>> docs = YamlDocumentsToJson(R"(
a: 1
b: -2.5
c: true
d: "true"
e: yes
f: ~
g: hello
h: '007'
i: |
  two
  lines
j: 2026-01-02T03:04:05Z
k: [1, x]
l: {}
)");
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ(json::serialize((*docs)[0]),
            R"({"a":1,"b":-2.5E0,"c":true,"d":"true","e":true,"f":null,"g":"hello","h":"007",)"
            R"("i":"two\nlines\n","j":"2026-01-02T03:04:05Z","k":[1,"x"],"l":{}})");
}

TEST(YamlJsonTest, DocumentsSplitAndEmptyOnesAreSkipped) {
  absl::StatusOr<std::vector<json::value>> docs =
      YamlDocumentsToJson("---\nkind: A\n---\n---\n{\"kind\": \"B\"}\n");
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0].at("kind"), "A");
  EXPECT_EQ((*docs)[1].at("kind"), "B");
}

TEST(YamlJsonTest, MalformedYamlIsAnError) {
  for (const char* bad : {"a: [\n", "a: b: c\n", "{\"a\": 1,,}"}) {
    absl::StatusOr<std::vector<json::value>> docs = YamlDocumentsToJson(bad);
    EXPECT_EQ(docs.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(YamlJsonTest, RenderedYamlReadsBackAsTheSameJson) {
  json::value value = json::parse(
      R"({"kind":"ConfigMap","data":{"n":"1","t":"true","e":"","s":"plain","m":"a\nb","m2":"x\ny\n",)"
      R"("ts":"2026-01-02T03:04:05Z","nul":"null"},"list":[],"obj":{},"x":[1,2.5,false,null]})");
  std::string yaml = JsonToYaml(value);
  EXPECT_THAT(yaml, ::testing::HasSubstr("n: \"1\"\n"));
  EXPECT_THAT(yaml, ::testing::HasSubstr("kind: ConfigMap\n"));
  absl::StatusOr<std::vector<json::value>> back = YamlDocumentsToJson(yaml);
  ASSERT_TRUE(back.ok()) << back.status() << "\n" << yaml;
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0], value) << yaml;
}

}  // namespace
}  // namespace kube::tool
