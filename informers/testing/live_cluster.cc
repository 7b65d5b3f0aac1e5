#include "informers/testing/live_cluster.h"

#include <atomic>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/sync.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/config/loader.h"
#include "client/transport/http_transport.h"
#include "informers/rest_lister_watcher.h"

namespace kube::informers::testing {

absl::StatusOr<LiveCluster> LiveCluster::Connect(const testenv::Environment& env, double qps,
                                                 int burst) {
  absl::StatusOr<config::LoadedRestConfig> loaded =
      config::LoadRestConfig({.explicit_path = env.kubeconfig, .allow_in_cluster = false});
  if (!loaded.ok()) return loaded.status();
  config::RestConfig config = loaded->config;
  config.qps = qps;
  config.burst = burst;
  absl::StatusOr<std::shared_ptr<transport::Transport>> transport =
      transport::NewHttpTransport(config);
  if (!transport.ok()) return transport.status();
  absl::StatusOr<std::shared_ptr<rest::RestClient>> client =
      rest::RestClient::Create(*transport, {.config = config});
  if (!client.ok()) return client.status();
  return LiveCluster(*std::move(client));
}

absl::StatusOr<std::string> LiveCluster::CreateNamespace(absl::string_view prefix) const {
  std::random_device rd;
  std::string ns = absl::StrCat(prefix, std::uniform_int_distribution<uint32_t>()(rd));
  absl::StatusOr<rest::Result> r =
      client_->Post()
          .Resource("namespaces")
          .Body(absl::StrCat(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")", ns,
                             R"("}})"),
                "application/json")
          .Do();
  if (!r.ok()) return r.status();
  return ns;
}

absl::Status LiveCluster::DeleteNamespaceAndPods(absl::string_view ns) const {
  absl::Status pods = client_->Delete().Namespace(ns).Resource("pods").Do().status();
  absl::Status namespace_ = client_->Delete().Resource("namespaces").Name(ns).Do().status();
  return pods.ok() ? namespace_ : pods;
}

absl::Status LiveCluster::CreatePod(absl::string_view ns, absl::string_view name,
                                    absl::string_view labels_json,
                                    absl::string_view annotations_json) const {
  std::string metadata = absl::StrCat(R"({"name":")", name, R"(")");
  if (!labels_json.empty()) absl::StrAppend(&metadata, R"(,"labels":)", labels_json);
  if (!annotations_json.empty()) absl::StrAppend(&metadata, R"(,"annotations":)", annotations_json);
  metadata += "}";
  return client_->Post()
      .Namespace(ns)
      .Resource("pods")
      .Body(absl::StrCat(R"({"apiVersion":"v1","kind":"Pod","metadata":)", metadata,
                         R"(,"spec":{"automountServiceAccountToken":false,)",
                         R"("containers":[{"name":"c","image":"registry.invalid/churn:1"}]}})"),
            "application/json")
      .Do()
      .status();
}

absl::Status LiveCluster::PatchPod(absl::string_view ns, absl::string_view name,
                                   absl::string_view merge_patch_json) const {
  return client_->Patch()
      .Namespace(ns)
      .Resource("pods")
      .Name(name)
      .Body(std::string(merge_patch_json), "application/merge-patch+json")
      .Do()
      .status();
}

absl::Status LiveCluster::DeletePod(absl::string_view ns, absl::string_view name) const {
  // A pod bound to no node is deleted at once (no kubelet has to confirm).
  return client_->Delete().Namespace(ns).Resource("pods").Name(name).Do().status();
}

absl::StatusOr<KeyVersions> LiveCluster::ListPods(absl::string_view ns) const {
  auto lw = RestListerWatcher<api::core::v1::Pod>::Create(
      client_, {.resource = "pods", .ns = std::string(ns)});
  if (!lw.ok()) return lw.status();
  KeyVersions out;
  ListOptions o{.limit = 500};
  do {
    absl::StatusOr<ListPage<api::core::v1::Pod>> page = (*lw)->List(o);
    if (!page.ok()) return page.status();
    for (const auto& pod : page->items) {
      out[absl::StrCat(pod->metadata().namespace_(), "/", pod->metadata().name())] =
          pod->metadata().resourceversion();
    }
    o.continue_token = page->continue_token;
  } while (!o.continue_token.empty());
  return out;
}

absl::Status ParallelFor(int n, int threads, const std::function<absl::Status(int)>& fn) {
  absl::Mutex mu;
  absl::Status first;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = t; i < n; i += threads) {
        absl::Status s = fn(i);
        if (!s.ok()) {
          MutexLock l(&mu);
          if (first.ok()) first = s;
          return;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  return first;
}

bool WaitUntil(absl::Duration timeout, const std::function<bool()>& ready) {
  absl::Time deadline = absl::Now() + timeout;
  while (!ready()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return true;
}

std::string DiffKeyVersions(const KeyVersions& want, const KeyVersions& got) {
  std::string out;
  int shown = 0;
  auto note = [&](const std::string& line) {
    if (++shown <= 5) absl::StrAppend(&out, line, "\n");
  };
  for (const auto& [key, rv] : want) {
    auto it = got.find(key);
    if (it == got.end()) {
      note(absl::StrCat("missing ", key, "@", rv));
    } else if (it->second != rv) {
      note(absl::StrCat("stale ", key, ": have ", it->second, ", want ", rv));
    }
  }
  for (const auto& [key, rv] : got) {
    if (!want.contains(key)) note(absl::StrCat("phantom ", key, "@", rv));
  }
  if (shown > 5) absl::StrAppend(&out, "... ", shown - 5, " more differences\n");
  return out;
}

}  // namespace kube::informers::testing
