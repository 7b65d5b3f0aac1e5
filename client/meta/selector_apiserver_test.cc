// The real kube-apiserver judges kubecpp's selectors: for every label and field selector sent
// here, the server's verdict (200 or 400 BadRequest) must equal ours; every entry of the
// selectable-fields table must be what the server accepts; and the server's own printing of a
// LabelSelector (a Deployment's scale subresource) must equal LabelSelectorFromSpec's String().
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "boost/json.hpp"
#include "client/meta/fields.h"
#include "client/meta/gvk.h"
#include "client/meta/label_selector_spec.h"
#include "client/meta/labels.h"
#include "client/meta/selectable_fields.h"
#include "client/meta/testing/selector_corpus.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/testenv/https_client.h"
#include "tools/testenv/testenv.h"

namespace kube::meta {
namespace {

using ::kube::meta::testing::QueryEscape;
using ::kube::testenv::Environment;
using ::kube::testenv::HttpsCall;
using ::kube::testenv::HttpsExchange;
using ::kube::testenv::HttpsReply;

class SelectorApiserverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Environment> env = kube::testenv::Load();
    ASSERT_TRUE(env.ok()) << env.status().message();
    env_ = *env;
  }

  HttpsReply Call(HttpsCall call) {
    call.token = env_.admin_token;
    absl::StatusOr<HttpsReply> reply = HttpsExchange(env_, call);
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : HttpsReply{};
  }
  HttpsReply Get(const std::string& target) { return Call({.target = target}); }

  // ServerAccepts lists `collection` with the query and returns whether the server accepted it:
  // true for 200, false for 400 BadRequest; anything else fails the test.
  bool ServerAccepts(const std::string& collection, absl::string_view query,
                     absl::string_view shown) {
    HttpsReply reply = Get(absl::StrCat(collection, "?limit=1&", query));
    if (reply.status == 200) return true;
    EXPECT_EQ(reply.status, 400) << shown << ": " << reply.body;
    if (reply.status == 400) {
      boost::json::value status = boost::json::parse(reply.body);
      EXPECT_EQ(status.at("reason").as_string(), "BadRequest") << reply.body;
    }
    return false;
  }

  bool ServerAcceptsLabelSelector(const std::string& selector) {
    return ServerAccepts("/api/v1/namespaces/default/configmaps",
                         absl::StrCat("labelSelector=", QueryEscape(selector)),
                         absl::CHexEscape(selector));
  }

  Environment env_;
};

std::string CollectionPath(const GroupVersionResource& gvr) {
  if (gvr.group.empty()) return absl::StrCat("/api/", gvr.version, "/", gvr.resource);
  return absl::StrCat("/apis/", gvr.group, "/", gvr.version, "/", gvr.resource);
}

// ----- Field selectors -----

TEST_F(SelectorApiserverTest, PodsListByNodeName) {
  HttpsReply reply =
      Get("/api/v1/namespaces/default/pods?fieldSelector=" + QueryEscape("spec.nodeName=x"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(boost::json::parse(reply.body).at("kind").as_string(), "PodList");

  absl::StatusOr<FieldSelector> ours = FieldSelector::Parse("spec.nodeName=x");
  ASSERT_TRUE(ours.ok());
  EXPECT_TRUE(ValidateFieldSelector(*ours, GroupVersionResource{"", "v1", "pods"}).ok());
}

TEST_F(SelectorApiserverTest, UnknownPodFieldIsRejectedWithTheServersMessage) {
  HttpsReply reply =
      Get("/api/v1/namespaces/default/pods?fieldSelector=" + QueryEscape("spec.bogus=1"));
  ASSERT_EQ(reply.status, 400) << reply.body;
  boost::json::value status = boost::json::parse(reply.body);
  EXPECT_EQ(status.at("reason").as_string(), "BadRequest");
  std::string message(status.at("message").as_string());
  EXPECT_EQ(message, "field label not supported: spec.bogus");

  absl::Status ours = ValidateFieldSelector(*FieldSelector::Parse("spec.bogus=1"),
                                            GroupVersionResource{"", "v1", "pods"});
  EXPECT_EQ(ours.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ours.message()), ::testing::StartsWith(message));
}

// Every (kind, field) pair: the server accepts it exactly when the table says so.
TEST_F(SelectorApiserverTest, SelectableFieldsTableIsWhatTheServerAccepts) {
  std::vector<GroupVersionResource> kinds;
  std::vector<std::string> candidates = {"spec.bogus", "", "status.replicas", "metadata.uid",
                                         "spec.host"};
  for (const SelectableFields& e : BuiltinSelectableFields()) {
    kinds.push_back({std::string(e.group), std::string(e.version), std::string(e.resource)});
    for (absl::string_view f : e.fields) candidates.emplace_back(f);
  }
  // Kinds with no entry take the default (apps/v1 has no conversion functions at all).
  kinds.push_back({"", "v1", "configmaps"});
  kinds.push_back({"apps", "v1", "replicasets"});
  kinds.push_back({"apps", "v1", "deployments"});
  kinds.push_back({"rbac.authorization.k8s.io", "v1", "clusterroles"});
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

  int accepted = 0;
  for (const GroupVersionResource& gvr : kinds) {
    for (const std::string& field : candidates) {
      std::string selector = field + "=x";
      bool server =
          ServerAccepts(CollectionPath(gvr), absl::StrCat("fieldSelector=", QueryEscape(selector)),
                        gvr.String() + " " + selector);
      EXPECT_EQ(IsSelectableField(gvr, field), server)
          << gvr.String() << " field \"" << field << "\": the server "
          << (server ? "accepts" : "rejects") << " it";
      accepted += server ? 1 : 0;
    }
  }
  EXPECT_GT(accepted, 50);  // the matrix really contained both answers
}

struct FieldRow {
  std::string selector;
  bool valid_for_configmaps;
  bool valid_for_pods;
};

TEST_F(SelectorApiserverTest, FieldSelectorSyntaxAgreesWithTheServer) {
  const std::vector<FieldRow> rows = {
      {"metadata.name=a", true, true},
      {"metadata.name==a", true, true},
      {"metadata.name!=a", true, true},
      {",metadata.name=a,", true, true},
      {"metadata.name=a\\,b", true, true},
      {"metadata.name=a\\=b\\\\c", true, true},
      {"metadata.name=a!b", true, true},
      {"metadata.name!=a,metadata.namespace=default", true, true},
      {"", true, true},
      {"=", true, true},  // neither field nor value: dropped while parsing
      {"!=,metadata.name=a", true, true},
      {"metadata.name=a,b", false, false},
      {"metadata.name=a\\", false, false},
      {"metadata.name=a\\x", false, false},
      {"metadata.name=a=b", false, false},
      {"metadata.name=a!=b", false, false},
      {"metadata.name", false, false},
      {"=a", false, false},
      {" metadata.name=a", false, false},
      {"spec.nodeName=x", false, true},
      {"spec.nodeName=x,status.phase!=Running", false, true},
  };
  const GroupVersionResource configmaps{"", "v1", "configmaps"};
  const GroupVersionResource pods{"", "v1", "pods"};
  for (const FieldRow& row : rows) {
    for (const auto& [gvr, expected] :
         {std::pair{configmaps, row.valid_for_configmaps}, std::pair{pods, row.valid_for_pods}}) {
      bool server =
          ServerAccepts(CollectionPath(gvr),
                        absl::StrCat("fieldSelector=", QueryEscape(row.selector)), row.selector);
      absl::StatusOr<FieldSelector> ours = FieldSelector::Parse(row.selector);
      bool ours_ok = ours.ok() && ValidateFieldSelector(*ours, gvr).ok();
      EXPECT_EQ(server, expected) << gvr.resource << " \"" << row.selector << "\"";
      EXPECT_EQ(ours_ok, expected) << gvr.resource << " \"" << row.selector << "\"";
    }
  }
}

TEST_F(SelectorApiserverTest, FieldSelectorCorpusAgreesWithTheServer) {
  const GroupVersionResource pods{"", "v1", "pods"};
  int accepted = 0;
  std::vector<std::string> corpus = testing::FieldSelectorCorpus(/*seed=*/21, 200);
  for (const std::string& selector : corpus) {
    bool server = ServerAccepts("/api/v1/namespaces/default/pods",
                                absl::StrCat("fieldSelector=", QueryEscape(selector)),
                                absl::CHexEscape(selector));
    absl::StatusOr<FieldSelector> ours = FieldSelector::Parse(selector);
    bool ours_ok = ours.ok() && ValidateFieldSelector(*ours, pods).ok();
    EXPECT_EQ(ours_ok, server) << "\"" << absl::CHexEscape(selector) << "\": server "
                               << (server ? "accepts" : "rejects") << ", we "
                               << (ours.ok() ? ValidateFieldSelector(*ours, pods).ToString()
                                             : ours.status().ToString());
    accepted += server ? 1 : 0;
  }
  EXPECT_GT(accepted, 20);
  EXPECT_LT(accepted, 180);
}

// ----- Label selectors -----

struct LabelRow {
  std::string selector;
  bool valid;
};

TEST_F(SelectorApiserverTest, LabelSelectorTableAgreesWithTheServer) {
  const std::vector<LabelRow> rows = {
      {"", true},
      {"app=web", true},
      {"app==web,tier!=db", true},
      {"env in (prod, staging),!legacy", true},
      {"x in (a,,)", true},
      {"x in ()", true},
      {"version>3,version<10", true},
      {"x>9223372036854775807", true},
      {"example.com/app=x", true},
      {"in in (in),notin", true},
      {"a\tin\n(b)\r", true},
      {std::string("a \0junk", 7), true},
      {std::string("a=\0b", 4), true},
      {"a in (b", false},
      {"app=web,", false},
      {",app", false},
      {"Example.com/app=x", false},
      {std::string(64, 'k'), false},
      {"a=" + std::string(64, 'v'), false},
      {"x>abc", false},
      {"x>", false},
      {"x>-1", false},
      {"x>9223372036854775808", false},
      {"!a=b", false},
      {"a b", false},
      {"a=b=c", false},
      {"a/b/c", false},
      {"a in (b c)", false},
      {"a notin", false},
      {"a=-b", false},
      {"a=b_", false},
      {"a\vb", false},
  };
  for (const LabelRow& row : rows) {
    bool server = ServerAcceptsLabelSelector(row.selector);
    absl::StatusOr<LabelSelector> ours = LabelSelector::Parse(row.selector);
    EXPECT_EQ(server, row.valid) << "server on \"" << absl::CHexEscape(row.selector) << "\"";
    EXPECT_EQ(ours.ok(), row.valid)
        << "kubecpp on \"" << absl::CHexEscape(row.selector) << "\": " << ours.status();
  }
}

TEST_F(SelectorApiserverTest, LabelSelectorCorpusAgreesWithTheServer) {
  int accepted = 0;
  std::vector<std::string> corpus = testing::LabelSelectorCorpus(/*seed=*/11, 400);
  for (const std::string& selector : corpus) {
    bool server = ServerAcceptsLabelSelector(selector);
    absl::StatusOr<LabelSelector> ours = LabelSelector::Parse(selector);
    EXPECT_EQ(ours.ok(), server) << "\"" << absl::CHexEscape(selector) << "\": server "
                                 << (server ? "accepts" : "rejects") << ", we say "
                                 << ours.status();
    // An accepted selector's canonical form is accepted too.
    if (ours.ok() && server) {
      EXPECT_TRUE(ServerAcceptsLabelSelector(ours->String())) << absl::CHexEscape(selector);
    }
    accepted += server ? 1 : 0;
  }
  EXPECT_GT(accepted, 40);
  EXPECT_LT(accepted, 360);
}

// ----- The server's own printing of a LabelSelector -----

boost::json::object SelectorJson(const LabelSelectorSpec& spec) {
  boost::json::object match_labels;
  for (const auto& [k, v] : spec.match_labels) match_labels[k] = v;
  boost::json::array expressions;
  for (const LabelSelectorSpec::Requirement& r : spec.match_expressions) {
    boost::json::array values;
    for (const std::string& v : r.values) values.emplace_back(v);
    expressions.push_back(
        boost::json::object{{"key", r.key}, {"operator", r.op}, {"values", values}});
  }
  return boost::json::object{{"matchLabels", match_labels}, {"matchExpressions", expressions}};
}

// The Deployment's scale subresource reports status.selector as apimachinery's
// LabelSelectorAsSelector(spec.selector).String(): an exact, observable canonical form.
TEST_F(SelectorApiserverTest, ServerPrintsLabelSelectorsLikeUs) {
  struct Case {
    LabelSelectorSpec spec;
    boost::json::object template_labels;
  };
  std::vector<Case> cases;
  {
    Case c;
    c.spec.match_labels = {{"app", "web"}, {"zone", ""}};
    c.spec.match_expressions = {
        {"tier", "In", {"web", "api", "web"}},  // duplicates are printed twice
        {"env", "NotIn", {"prod", "dev"}},
        {"app", "Exists", {}},  // same key as a matchLabels entry: printed after it
        {"legacy", "DoesNotExist", {}},
        {"example.com/role", "In", {"b", "a"}},
    };
    c.template_labels = {{"app", "web"}, {"zone", ""}, {"tier", "web"}, {"example.com/role", "a"}};
    cases.push_back(c);
  }
  {
    // More requirements than Go's insertion-sort cut-off (12), all distinct keys.
    Case c;
    for (int i = 13; i >= 0; --i) {
      std::string key = absl::StrCat("k", i);
      c.spec.match_expressions.push_back({key, "Exists", {}});
      c.template_labels[key] = "v";
    }
    cases.push_back(c);
  }

  absl::BitGen gen;
  for (const Case& c : cases) {
    std::string name = absl::StrCat("kubecpp-meta-scale-", absl::Uniform<uint32_t>(gen));
    boost::json::object deployment{
        {"apiVersion", "apps/v1"},
        {"kind", "Deployment"},
        {"metadata", {{"name", name}}},
        {"spec",
         {{"replicas", 0},
          {"selector", SelectorJson(c.spec)},
          {"template",
           {{"metadata", {{"labels", c.template_labels}}},
            {"spec",
             {{"containers", boost::json::array{boost::json::object{
                                 {"name", "c"}, {"image", "registry.invalid/none"}}}}}}}}}}};
    HttpsReply created = Call({.method = "POST",
                               .target = "/apis/apps/v1/namespaces/default/deployments",
                               .content_type = "application/json",
                               .body = boost::json::serialize(deployment)});
    ASSERT_EQ(created.status, 201) << created.body;

    HttpsReply scale =
        Get(absl::StrCat("/apis/apps/v1/namespaces/default/deployments/", name, "/scale"));
    Call({.method = "DELETE",
          .target = absl::StrCat("/apis/apps/v1/namespaces/default/deployments/", name)});
    ASSERT_EQ(scale.status, 200) << scale.body;
    std::string server(boost::json::parse(scale.body).at("status").at("selector").as_string());

    absl::StatusOr<LabelSelector> ours = LabelSelectorFromSpec(c.spec);
    ASSERT_TRUE(ours.ok()) << ours.status();
    EXPECT_EQ(ours->String(), server);
  }
  // The first case, spelled out.
  EXPECT_EQ(LabelSelectorFromSpec(cases[0].spec)->String(),
            "app=web,app,env notin (dev,prod),example.com/role in (a,b),!legacy,"
            "tier in (api,web,web),zone=");
}

}  // namespace
}  // namespace kube::meta
