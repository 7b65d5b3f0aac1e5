#include "client/rest/request.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kube::rest {
namespace {

using ::testing::HasSubstr;

TEST(RequestTest, CorePathWithNamespaceResourceName) {
  Request r("GET");
  r.Namespace("kube-system").Resource("configmaps").Name("kube-root-ca.crt");
  EXPECT_TRUE(r.BuildError().ok()) << r.BuildError();
  EXPECT_EQ(r.Path(), "/api/v1/namespaces/kube-system/configmaps/kube-root-ca.crt");
  EXPECT_EQ(r.PathTemplate(), "/api/v1/namespaces/{namespace}/configmaps/{name}");
}

TEST(RequestTest, GroupVersionAndSubresources) {
  Request r("PUT");
  r.GroupVersion("apps", "v1")
      .Namespace("ns")
      .Resource("deployments")
      .Name("web")
      .SubResource("scale");
  EXPECT_EQ(r.Path(), "/apis/apps/v1/namespaces/ns/deployments/web/scale");
  Request proxy("GET");
  proxy.Namespace("ns")
      .Resource("services")
      .Name("svc:http")
      .SubResource("proxy")
      .SubResource("healthz");
  EXPECT_EQ(proxy.Path(), "/api/v1/namespaces/ns/services/svc:http/proxy/healthz");
  EXPECT_EQ(proxy.PathTemplate(), "/api/v1/namespaces/{namespace}/services/{name}/proxy/healthz");
}

TEST(RequestTest, EmptyNamespaceMeansAllNamespaces) {
  Request r("GET");
  r.Namespace("").Resource("pods");
  EXPECT_TRUE(r.BuildError().ok());
  EXPECT_EQ(r.Path(), "/api/v1/pods");
  Request cluster("GET");
  cluster.GroupVersion("rbac.authorization.k8s.io", "v1")
      .Resource("clusterroles")
      .Name("system:basic-user");
  EXPECT_EQ(cluster.Path(), "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:basic-user");
}

TEST(RequestTest, CharactersThatNeedEscapingAreEscaped) {
  Request r("GET");
  r.Resource("things").Name("a b?c#d");
  EXPECT_TRUE(r.BuildError().ok());
  EXPECT_EQ(r.Path(), "/api/v1/things/a%20b%3Fc%23d");
}

TEST(RequestTest, InvalidSegmentsAccumulate) {
  Request r("GET");
  r.Namespace("a/b").Resource("..").Name(".").SubResource("x%y");
  absl::Status s = r.BuildError();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("namespace \"a/b\""));
  EXPECT_THAT(s.message(), HasSubstr("resource \"..\""));
  EXPECT_THAT(s.message(), HasSubstr("name \".\""));
  EXPECT_THAT(s.message(), HasSubstr("subresource \"x%y\""));
}

TEST(RequestTest, EmptyNameAndSettingTwiceAreErrors) {
  Request empty("GET");
  empty.Resource("pods").Name("");
  EXPECT_THAT(empty.BuildError().message(), HasSubstr("name may not be empty"));
  Request twice("GET");
  twice.Namespace("a").Namespace("b").Resource("x").Resource("y").Name("n").Name("m");
  absl::Status s = twice.BuildError();
  EXPECT_THAT(s.message(), HasSubstr("namespace already set to \"a\", cannot change to \"b\""));
  EXPECT_THAT(s.message(), HasSubstr("resource already set"));
  EXPECT_THAT(s.message(), HasSubstr("name already set"));
  EXPECT_EQ(twice.Path(), "/api/v1/namespaces/a/x/n");
}

TEST(RequestTest, QueryIsSortedByNameAndEncoded) {
  Request r("GET");
  r.Resource("pods")
      .Param("labelSelector", "app in (a,b)")
      .Param("b", "2")
      .Param("a", "1")
      .Param("b", "1")
      .Param("fieldSelector", "metadata.name=x/y");
  EXPECT_EQ(r.Query(),
            "a=1&b=2&b=1&fieldSelector=metadata.name%3Dx%2Fy&labelSelector=app%20in%20%28a%2Cb%29");
  EXPECT_EQ(
      r.Query({{"watch", "1"}, {"a", "0"}}),
      "a=1&a=0&b=2&b=1&fieldSelector=metadata.name%3Dx%2Fy&labelSelector=app%20in%20%28a%2Cb%29&"
      "watch=1");
  EXPECT_TRUE(r.HasParam("b"));
  EXPECT_FALSE(r.HasParam("watch"));
  Request bad("GET");
  bad.Param("", "x");
  EXPECT_FALSE(bad.BuildError().ok());
}

TEST(RequestTest, HeadersBodyAndAccept) {
  Request r("PATCH");
  r.Resource("configmaps")
      .Name("x")
      .Body("{}", "application/merge-patch+json")
      .Accept("application/vnd.kubernetes.protobuf, application/json")
      .Header("X-Custom", "1");
  EXPECT_TRUE(r.BuildError().ok());
  EXPECT_EQ(r.body(), "{}");
  EXPECT_EQ(r.content_type(), "application/merge-patch+json");
  EXPECT_EQ(r.accept(), "application/vnd.kubernetes.protobuf, application/json");
  ASSERT_EQ(r.headers().size(), 1u);
  EXPECT_EQ(r.headers()[0].name, "X-Custom");
  EXPECT_EQ(Request("GET").accept(), "application/json");
}

TEST(RequestTest, HeaderInjectionIsRefused) {
  Request r("GET");
  r.Header("X-A", "ok\r\nEvil: 1").Header("Bad Name", "v").Accept("a\nb").Body("", "x\r");
  absl::Status s = r.BuildError();
  EXPECT_THAT(s.message(), HasSubstr("header \"X-A\" value holds a line break"));
  EXPECT_THAT(s.message(), HasSubstr("invalid header name \"Bad Name\""));
  EXPECT_THAT(s.message(), HasSubstr("Accept value"));
  EXPECT_THAT(s.message(), HasSubstr("content type"));
}

TEST(RequestTest, AbsPath) {
  Request r("GET");
  r.AbsPath("/version");
  EXPECT_TRUE(r.BuildError().ok());
  EXPECT_EQ(r.Path(), "/version");
  EXPECT_EQ(r.PathTemplate(), "/version");
  EXPECT_FALSE(Request("GET").AbsPath("version").BuildError().ok());
  EXPECT_FALSE(Request("GET").AbsPath("/a/../b").BuildError().ok());
  EXPECT_FALSE(Request("GET").AbsPath("/a b").BuildError().ok());
  EXPECT_FALSE(Request("GET").AbsPath("/a?x=1").BuildError().ok());
  EXPECT_FALSE(Request("GET").AbsPath("/apis").Resource("pods").BuildError().ok());
  EXPECT_TRUE(Request("GET").AbsPath("/apis/apps/v1").BuildError().ok());
}

TEST(RequestTest, VerbTimeoutAndRetriesAreValidated) {
  EXPECT_FALSE(Request("BAD VERB").BuildError().ok());
  EXPECT_FALSE(Request("").BuildError().ok());
  EXPECT_FALSE(Request("GET").Timeout(absl::ZeroDuration()).BuildError().ok());
  EXPECT_FALSE(Request("GET").MaxRetries(-1).BuildError().ok());
  Request r("GET");
  r.Timeout(absl::Seconds(3)).MaxRetries(0);
  EXPECT_TRUE(r.BuildError().ok());
  EXPECT_EQ(r.timeout(), absl::Seconds(3));
  EXPECT_EQ(r.max_retries(), 0);
}

TEST(RequestTest, UnboundRequestCannotRun) {
  EXPECT_EQ(Request("GET").Do().status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Request("GET").Watch(nullptr).status().code(), absl::StatusCode::kFailedPrecondition);
}

class RecordingExecutor : public RequestExecutor {
 public:
  absl::StatusOr<Result> Execute(const Request& request) override {
    last_path = request.Path();
    Result r;
    r.status_code = 201;
    return r;
  }
  absl::StatusOr<std::shared_ptr<WatchCall>> ExecuteWatch(const Request& request,
                                                          std::shared_ptr<WatchHandler>) override {
    last_path = "watch " + request.Path();
    return absl::UnimplementedError("no watches here");
  }
  std::string last_path;
};

TEST(RequestTest, DoAndWatchGoToTheExecutor) {
  auto executor = std::make_shared<RecordingExecutor>();
  Request r("POST", executor);
  r.Resource("namespaces");
  absl::StatusOr<Result> result = r.Do();
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->WasCreated());
  EXPECT_EQ(executor->last_path, "/api/v1/namespaces");
  EXPECT_EQ(r.Watch(nullptr).status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(executor->last_path, "watch /api/v1/namespaces");
}

TEST(FormatGoDurationTest, Units) {
  EXPECT_EQ(FormatGoDuration(absl::Seconds(30)), "30s");
  EXPECT_EQ(FormatGoDuration(absl::Minutes(2)), "120s");
  EXPECT_EQ(FormatGoDuration(absl::Milliseconds(1500)), "1500ms");
  EXPECT_EQ(FormatGoDuration(absl::Microseconds(250)), "250us");
  EXPECT_EQ(FormatGoDuration(absl::Nanoseconds(7)), "7ns");
  EXPECT_EQ(FormatGoDuration(absl::ZeroDuration()), "0s");
}

TEST(IsValidPathSegmentTest, ClientGoRules) {
  EXPECT_TRUE(IsValidPathSegment("a"));
  EXPECT_TRUE(IsValidPathSegment("system:node:x"));
  EXPECT_TRUE(IsValidPathSegment("..."));
  EXPECT_FALSE(IsValidPathSegment(""));
  EXPECT_FALSE(IsValidPathSegment("."));
  EXPECT_FALSE(IsValidPathSegment(".."));
  EXPECT_FALSE(IsValidPathSegment("a/b"));
  EXPECT_FALSE(IsValidPathSegment("a%2F"));
}

}  // namespace
}  // namespace kube::rest
