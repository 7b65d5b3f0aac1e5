// The informer machinery against the real kube-apiserver: RestListerWatcher (protobuf and JSON)
// under the Reflector, SharedIndexInformer and InformerFactory, with ConfigMaps and Pods created
// for real in a fresh namespace per test.
//
// Not produced here: a 410 in an informer's life, which needs a control plane the test can
// restart and compact: informer_fault_apiserver_test does that on a private one.
#include <algorithm>
#include <atomic>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/api/builtin_kinds.h"
#include "client/api/core/v1/cluster.pb.h"
#include "client/api/core/v1/pod.pb.h"
#include "client/api/json_codec.h"
#include "client/api/meta/v1/meta.pb.h"
#include "client/api/testing/unknown_fields.h"
#include "client/config/loader.h"
#include "client/meta/labels.h"
#include "client/rest/rest_client.h"
#include "client/rest/status.h"
#include "client/transport/http_transport.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "indexers/index_func.h"
#include "informers/error_class.h"
#include "informers/factory.h"
#include "informers/internal/json_list_stream.h"
#include "informers/rest_lister_watcher.h"
#include "informers/shared_informer.h"
#include "informers/testing/recording_handler.h"
#include "tools/testenv/testenv.h"

namespace kube::informers {
namespace {

using api::core::v1::ConfigMap;
using api::core::v1::Pod;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int kConfigMaps = 30;

std::string ConfigMapName(int i) { return absl::StrFormat("cm-%02d", i); }

meta::LabelSelector Selector(absl::string_view s) {
  absl::StatusOr<meta::LabelSelector> parsed = meta::LabelSelector::Parse(s);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *parsed : meta::LabelSelector();
}

class InformerApiserverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testenv::Environment> env = testenv::Load();
    ASSERT_TRUE(env.ok()) << env.status().message();
    absl::StatusOr<config::LoadedRestConfig> loaded =
        config::LoadRestConfig({.explicit_path = env->kubeconfig, .allow_in_cluster = false});
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    config::RestConfig config = loaded->config;
    config.qps = -1;  // the test's own writes should not wait in the client's token bucket
    absl::StatusOr<std::shared_ptr<transport::Transport>> transport =
        transport::NewHttpTransport(config);
    ASSERT_TRUE(transport.ok()) << transport.status();
    absl::StatusOr<std::shared_ptr<rest::RestClient>> client =
        rest::RestClient::Create(*transport, {.config = config});
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *client;

    std::random_device rd;
    ns_ = absl::StrCat("kubecpp-informer-", std::uniform_int_distribution<uint32_t>()(rd));
    ASSERT_TRUE(Post("", "namespaces",
                     absl::StrCat(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")",
                                  ns_, R"("}})"))
                    .ok());
  }

  // The ServiceAccount admission plugin wants the namespace's default account before it admits
  // pods; there may be no controller-manager to create it.
  void CreateDefaultServiceAccount() {
    absl::Status sa = client_->Post()
                          .Namespace(ns_)
                          .Resource("serviceaccounts")
                          .Body(R"({"apiVersion":"v1","kind":"ServiceAccount",)"
                                R"("metadata":{"name":"default"}})",
                                "application/json")
                          .Do()
                          .status();
    ASSERT_TRUE(sa.ok() || rest::IsAlreadyExists(sa)) << sa;
  }

  void TearDown() override {
    if (client_ != nullptr && !ns_.empty()) {
      (void)client_->Delete().Resource("namespaces").Name(ns_).Do();
    }
  }

  absl::Status Post(absl::string_view ns, absl::string_view resource, std::string json) {
    rest::Request r = client_->Post();
    if (!ns.empty()) r.Namespace(ns);
    absl::StatusOr<rest::Result> res =
        r.Resource(resource).Body(std::move(json), "application/json").Do();
    EXPECT_TRUE(res.ok()) << res.status();
    return res.status();
  }

  // group=a for every third ConfigMap, group=b otherwise; all carry suite=informer.
  void CreateConfigMap(const std::string& name, absl::string_view group) {
    ASSERT_TRUE(Post(ns_, "configmaps",
                     absl::StrCat(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")",
                                  name, R"(","labels":{"suite":"informer","group":")", group,
                                  R"("}},"data":{"k":"v1"}})"))
                    .ok());
  }
  void CreateConfigMaps() {
    for (int i = 0; i < kConfigMaps; ++i) {
      CreateConfigMap(ConfigMapName(i), i % 3 == 0 ? "a" : "b");
    }
  }
  void PatchConfigMap(const std::string& name, absl::string_view value) {
    absl::StatusOr<rest::Result> res = client_->Patch()
                                           .Namespace(ns_)
                                           .Resource("configmaps")
                                           .Name(name)
                                           .Body(absl::StrCat(R"({"data":{"k":")", value, R"("}})"),
                                                 "application/merge-patch+json")
                                           .Do();
    ASSERT_TRUE(res.ok()) << res.status();
  }
  void DeleteConfigMap(const std::string& name) {
    absl::StatusOr<rest::Result> res =
        client_->Delete().Namespace(ns_).Resource("configmaps").Name(name).Do();
    ASSERT_TRUE(res.ok()) << res.status();
  }

  std::unique_ptr<RestListerWatcher<ConfigMap>> ConfigMapLw(
      WireFormat format = WireFormat::kProtobuf, size_t queue_capacity = 256) {
    auto lw =
        RestListerWatcher<ConfigMap>::Create(client_, {.resource = "configmaps",
                                                       .ns = ns_,
                                                       .format = format,
                                                       .watch_queue_capacity = queue_capacity});
    EXPECT_TRUE(lw.ok()) << lw.status();
    return lw.ok() ? *std::move(lw) : nullptr;
  }

  static absl::Time Deadline() { return absl::Now() + absl::Seconds(30); }

  std::shared_ptr<rest::RestClient> client_;
  std::string ns_;
};

TEST_F(InformerApiserverTest, ListPagesWithContinueTokensAndMovesItemsOut) {
  CreateConfigMaps();
  std::unique_ptr<RestListerWatcher<ConfigMap>> lw = ConfigMapLw();
  ASSERT_NE(lw, nullptr);
  ListOptions o{.label_selector = "suite=informer", .limit = 10};
  std::vector<std::string> names;
  std::vector<std::string> rvs;
  int pages = 0;
  do {
    absl::StatusOr<ListPage<ConfigMap>> page = lw->List(o);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    EXPECT_LE(page->items.size(), 10u);
    for (const auto& cm : page->items) {
      ASSERT_NE(cm, nullptr);
      EXPECT_EQ(cm->metadata().namespace_(), ns_);
      EXPECT_EQ(cm->data().at("k"), "v1");
      names.push_back(cm->metadata().name());
    }
    rvs.push_back(page->resource_version);
    o.continue_token = page->continue_token;
  } while (!o.continue_token.empty());
  EXPECT_GE(pages, 3);
  ASSERT_EQ(names.size(), static_cast<size_t>(kConfigMaps));
  for (int i = 0; i < kConfigMaps; ++i) EXPECT_EQ(names[i], ConfigMapName(i));  // list order kept
  for (const std::string& rv : rvs) EXPECT_EQ(rv, rvs[0]);  // one snapshot across pages
}

// A real 410 is not produced against the shared testenv: on a fresh control plane a watch from
// RV "1" is still inside the watch cache's window and simply waits. informer_fault_apiserver_test
// forces one on a private control plane (etcd compacted while the apiserver is down).

TEST_F(InformerApiserverTest, WatchDeliversEventsAndBookmarksUntilClosed) {
  std::unique_ptr<RestListerWatcher<ConfigMap>> lw = ConfigMapLw();
  ASSERT_NE(lw, nullptr);
  absl::StatusOr<ListPage<ConfigMap>> page = lw->List({});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->items.empty());
  auto stream = lw->Watch({.resource_version = page->resource_version, .timeout_seconds = 60});
  ASSERT_TRUE(stream.ok()) << stream.status();
  CreateConfigMap("w", "a");
  PatchConfigMap("w", "v2");
  DeleteConfigMap("w");
  std::vector<std::string> seen;
  while (seen.size() < 3) {
    auto event = (*stream)->Next();
    ASSERT_TRUE(event.ok()) << event.status();
    ASSERT_TRUE(event->has_value());
    if ((*event)->type == WatchEventType::kBookmark) continue;
    ASSERT_NE((*event)->object, nullptr);
    seen.push_back(absl::StrCat(WatchEventTypeName((*event)->type), " ",
                                (*event)->object->metadata().name(), " ",
                                (*event)->object->data().at("k")));
  }
  EXPECT_THAT(seen, ::testing::ElementsAre("ADDED w v1", "MODIFIED w v2", "DELETED w v2"));
  (*stream)->Close();
  auto after = (*stream)->Next();
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->has_value());
}

struct InformerMode {
  std::string name;
  WireFormat format;
  bool use_watch_list;
  size_t queue_capacity;
};

class InformerModeTest : public InformerApiserverTest,
                         public ::testing::WithParamInterface<InformerMode> {};

TEST_P(InformerModeTest, SyncsExactlyTheObjectsThenDeliversAddUpdateDeleteInOrder) {
  const InformerMode& mode = GetParam();
  CreateConfigMaps();
  std::unique_ptr<RestListerWatcher<ConfigMap>> lw = ConfigMapLw(mode.format, mode.queue_capacity);
  ASSERT_NE(lw, nullptr);
  SharedInformerOptions<ConfigMap> options;
  options.reflector.use_watch_list = mode.use_watch_list;
  // A LIST at RV "0" may be served stale from the watch cache (then the missing objects arrive as
  // ordinary watch adds); a consistent list holds exactly the 30 at sync.
  options.reflector.initial_list_consistent = true;
  options.reflector.page_size = 10;
  options.indexers.push_back(indexers::LabelIndex<ConfigMap>("group"));
  auto informer = SharedIndexInformer<ConfigMap>::Create(lw.get(), std::move(options));
  ASSERT_TRUE(informer.ok()) << informer.status();
  (*informer)->Run();
  ASSERT_TRUE((*informer)->WaitForCacheSync(Deadline()));

  // Exactly the 30, served from the store (group=a from the label index).
  indexers::Lister<ConfigMap> lister = (*informer)->GetLister();
  EXPECT_EQ(lister.List(Selector("suite=informer")).size(), static_cast<size_t>(kConfigMaps));
  EXPECT_EQ((*informer)->GetIndexer().Size(), static_cast<size_t>(kConfigMaps));
  EXPECT_EQ(lister.List(Selector("group=a")).size(), static_cast<size_t>(kConfigMaps / 3));
  for (int i = 0; i < kConfigMaps; ++i) {
    EXPECT_TRUE(lister.Get(ns_, ConfigMapName(i)).ok()) << ConfigMapName(i);
  }

  ReflectorStats stats = (*informer)->Stats().reflector;
  if (mode.use_watch_list) {
    // The streaming list succeeded: no LIST, no fallback, one watch that is still open.
    EXPECT_EQ(stats.lists, 0);
    EXPECT_EQ(stats.watch_list_fallbacks, 0);
    EXPECT_EQ(stats.watches, 1);
  } else {
    EXPECT_EQ(stats.watch_list_fallbacks, 0);
    EXPECT_GE(stats.lists, 3);  // pages of 10
  }
  EXPECT_EQ(stats.list_errors, 0);
  EXPECT_FALSE((*informer)->LastSyncResourceVersion().empty());

  testing::RecordingHandler<ConfigMap> recorder;
  auto reg = (*informer)->AddEventHandler(recorder.Handler());
  ASSERT_TRUE(reg.ok()) << reg.status();
  ASSERT_TRUE(recorder.WaitFor(kConfigMaps));

  std::string old_rv((*lister.Get(ns_, ConfigMapName(0)))->metadata().resourceversion());
  CreateConfigMap("extra", "b");
  PatchConfigMap(ConfigMapName(0), "v2");
  DeleteConfigMap(ConfigMapName(1));
  ASSERT_TRUE(recorder.WaitFor(kConfigMaps + 3));
  std::vector<std::string> log = recorder.log();
  ASSERT_EQ(log.size(), static_cast<size_t>(kConfigMaps + 3));
  for (int i = 0; i < kConfigMaps; ++i) EXPECT_THAT(log[i], HasSubstr(" initial")) << log[i];
  EXPECT_THAT(log[kConfigMaps], StartsWith(absl::StrCat("ADD ", ns_, "/extra@")));
  EXPECT_THAT(log[kConfigMaps + 1],
              StartsWith(absl::StrCat("UPDATE ", ns_, "/cm-00@", old_rv, "->")));
  EXPECT_THAT(log[kConfigMaps + 2], StartsWith(absl::StrCat("DELETE ", ns_, "/cm-01@")));

  auto updated = lister.Get(ns_, ConfigMapName(0));
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ((*updated)->data().at("k"), "v2");
  EXPECT_FALSE(lister.Get(ns_, ConfigMapName(1)).ok());
  EXPECT_EQ((*informer)->GetIndexer().Size(), static_cast<size_t>(kConfigMaps));
  (*informer)->Shutdown();
}

INSTANTIATE_TEST_SUITE_P(
    Modes, InformerModeTest,
    ::testing::Values(InformerMode{"ProtobufWatchList", WireFormat::kProtobuf, true, 256},
                      // A queue of 2 pauses and resumes the stream all through the initial events.
                      InformerMode{"JsonWatchListTinyQueue", WireFormat::kJson, true, 2},
                      InformerMode{"ProtobufPagedList", WireFormat::kProtobuf, false, 256},
                      // JSON LIST pages, decoded as they stream (JsonListStreamDecoder).
                      InformerMode{"JsonPagedList", WireFormat::kJson, false, 256}),
    [](const ::testing::TestParamInfo<InformerMode>& info) { return info.param.name; });

TEST_F(InformerApiserverTest, PagedListFollowsContinueTokens) {
  CreateConfigMaps();
  std::unique_ptr<RestListerWatcher<ConfigMap>> lw = ConfigMapLw();
  ASSERT_NE(lw, nullptr);
  SharedInformerOptions<ConfigMap> options;
  options.reflector.use_watch_list = false;
  // At RV "0" the watch cache answers in one page whatever the limit; a consistent list pages.
  options.reflector.initial_list_consistent = true;
  options.reflector.page_size = 10;
  auto informer = SharedIndexInformer<ConfigMap>::Create(lw.get(), std::move(options));
  ASSERT_TRUE(informer.ok()) << informer.status();
  (*informer)->Run();
  ASSERT_TRUE((*informer)->WaitForCacheSync(Deadline()));
  EXPECT_EQ((*informer)->GetIndexer().Size(), static_cast<size_t>(kConfigMaps));
  for (int i = 0; i < kConfigMaps; ++i) {
    EXPECT_TRUE((*informer)->GetLister().Get(ns_, ConfigMapName(i)).ok()) << ConfigMapName(i);
  }
  ReflectorStats stats = (*informer)->Stats().reflector;
  // 30 objects in pages of 10: three LIST requests chained by continue tokens.
  EXPECT_GE(stats.lists, 3) << "the server did not page the list";
  EXPECT_EQ(stats.list_errors, 0);
}

TEST_F(InformerApiserverTest, LabelScopedInformerSeesOnlyMatchingObjects) {
  CreateConfigMaps();
  std::unique_ptr<RestListerWatcher<ConfigMap>> lw = ConfigMapLw();
  ASSERT_NE(lw, nullptr);
  SharedInformerOptions<ConfigMap> options;
  options.reflector.label_selector = "group=a";
  auto informer = SharedIndexInformer<ConfigMap>::Create(lw.get(), std::move(options));
  ASSERT_TRUE(informer.ok());
  testing::RecordingHandler<ConfigMap> recorder;
  ASSERT_TRUE((*informer)->AddEventHandler(recorder.Handler()).ok());
  (*informer)->Run();
  ASSERT_TRUE((*informer)->WaitForCacheSync(Deadline()));
  ASSERT_TRUE(recorder.WaitFor(kConfigMaps / 3));
  EXPECT_EQ((*informer)->GetIndexer().Size(), static_cast<size_t>(kConfigMaps / 3));
  for (const auto& cm : (*informer)->GetIndexer().List()) {
    EXPECT_EQ(cm->metadata().labels().at("group"), "a");
  }
  // Events are in RV order: had the non-matching one been delivered, it would come first.
  CreateConfigMap("extra-b", "b");
  CreateConfigMap("extra-a", "a");
  ASSERT_TRUE(recorder.WaitFor(kConfigMaps / 3 + 1));
  absl::SleepFor(absl::Milliseconds(300));
  std::vector<std::string> log = recorder.log();
  ASSERT_EQ(log.size(), static_cast<size_t>(kConfigMaps / 3 + 1));
  EXPECT_THAT(log.back(), StartsWith(absl::StrCat("ADD ", ns_, "/extra-a@")));
  EXPECT_FALSE((*informer)->GetLister().Get(ns_, "extra-b").ok());
}

TEST_F(InformerApiserverTest, FactorySharesEqualConfigsAndSeparatesDifferentSelectors) {
  CreateConfigMaps();
  InformerFactory<ConfigMap> factory(RestListerWatcherMaker<ConfigMap>(client_, {}), {});
  InformerConfig<ConfigMap> all{.resource = "configmaps", .ns = ns_};
  InformerConfig<ConfigMap> group_a{
      .resource = "configmaps", .ns = ns_, .label_selector = Selector("group=a")};
  auto first = factory.Acquire(all);
  auto second = factory.Acquire(all);
  auto scoped = factory.Acquire(group_a);
  ASSERT_TRUE(first.ok() && second.ok() && scoped.ok());
  EXPECT_EQ(first->informer_id(), second->informer_id());
  EXPECT_NE(first->informer_id(), scoped->informer_id());
  EXPECT_EQ(factory.Size(), 2u);
  ASSERT_TRUE(first->WaitForCacheSync(Deadline()));
  ASSERT_TRUE(scoped->WaitForCacheSync(Deadline()));

  // One informer, one (streaming-list) watch for both consumers of `all`.
  EXPECT_EQ(first->Stats().reflector.watches, 1);
  EXPECT_EQ(first->Stats().reflector.lists, 0);
  EXPECT_EQ(&first->GetIndexer(), &second->GetIndexer());
  EXPECT_EQ(first->GetIndexer().Size(), static_cast<size_t>(kConfigMaps));
  EXPECT_EQ(scoped->GetIndexer().Size(), static_cast<size_t>(kConfigMaps / 3));

  // A new group=b object reaches the unscoped cache only.
  testing::RecordingHandler<ConfigMap> all_events;
  testing::RecordingHandler<ConfigMap> scoped_events;
  ASSERT_TRUE(second->AddEventHandler(all_events.Handler()).ok());
  ASSERT_TRUE(scoped->AddEventHandler(scoped_events.Handler()).ok());
  ASSERT_TRUE(all_events.WaitFor(kConfigMaps));
  ASSERT_TRUE(scoped_events.WaitFor(kConfigMaps / 3));
  CreateConfigMap("extra-b", "b");
  CreateConfigMap("extra-a", "a");
  ASSERT_TRUE(all_events.WaitFor(kConfigMaps + 2));
  ASSERT_TRUE(scoped_events.WaitFor(kConfigMaps / 3 + 1));
  EXPECT_TRUE(first->GetLister().Get(ns_, "extra-b").ok());
  EXPECT_FALSE(scoped->GetLister().Get(ns_, "extra-b").ok());
  EXPECT_EQ(scoped->GetIndexer().Size(), static_cast<size_t>(kConfigMaps / 3 + 1));
  EXPECT_EQ(scoped_events.log().size(), static_cast<size_t>(kConfigMaps / 3 + 1));

  first->Release();
  EXPECT_EQ(factory.Size(), 2u);  // `second` still holds it
  second->Release();
  scoped->Release();
  EXPECT_EQ(factory.Size(), 0u);
}

// A JSON LIST in pages (limit + continue), decoded item by item as it streams in, equals one
// protobuf LIST of the same pods; and a raw JSON LIST body of all of them goes through
// JsonListStreamDecoder holding about one pod, not the body.
TEST_F(InformerApiserverTest, JsonPagedListOfManyPodsEqualsProtobufList) {
  constexpr int kPods = 1500;
  ASSERT_NO_FATAL_FAILURE(CreateDefaultServiceAccount());
  // Strings a JSON framer must not trip over: brackets, quotes, backslashes, escapes, non-ASCII.
  const std::string tricky = R"("{ ] } [ \"quoted\" \\ \u00fc\u2713 \ud83d\ude00")";
  const std::string tricky_decoded = "{ ] } [ \"quoted\" \\ \xc3\xbc\xe2\x9c\x93 \xf0\x9f\x98\x80";
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  constexpr int kWriters = 8;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = w; i < kPods; i += kWriters) {
        absl::StatusOr<rest::Result> res =
            client_->Post()
                .Namespace(ns_)
                .Resource("pods")
                .Body(absl::StrCat(
                          R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":")",
                          absl::StrFormat("pod-%04d", i), R"(","labels":{"suite":"json-list"},)",
                          R"("annotations":{"tricky":)", tricky, R"(,"pad":")",
                          std::string(i % 500, 'p'), R"("}},"spec":{"nodeName":"node-a",)",
                          R"("automountServiceAccountToken":false,"containers":[{"name":"c",)",
                          R"("image":"registry.invalid/p:1","env":[{"name":"E","value":)", tricky,
                          R"(}]}]}})"),
                      "application/json")
                .Do();
        if (!res.ok()) ++failures;
      }
    });
  }
  for (std::thread& t : writers) t.join();
  ASSERT_EQ(failures.load(), 0);

  auto json_lw = RestListerWatcher<Pod>::Create(
      client_, {.resource = "pods", .ns = ns_, .format = WireFormat::kJson});
  auto proto_lw = RestListerWatcher<Pod>::Create(client_, {.resource = "pods", .ns = ns_});
  ASSERT_TRUE(json_lw.ok() && proto_lw.ok());
  std::vector<std::shared_ptr<const Pod>> paged;
  ListOptions o{.label_selector = "suite=json-list", .limit = 400};
  int pages = 0;
  do {
    absl::StatusOr<ListPage<Pod>> page = (*json_lw)->List(o);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    EXPECT_LE(page->items.size(), 400u);
    for (auto& pod : page->items) paged.push_back(std::move(pod));
    o.continue_token = page->continue_token;
  } while (!o.continue_token.empty());
  EXPECT_EQ(pages, (kPods + 399) / 400);
  absl::StatusOr<ListPage<Pod>> whole = (*proto_lw)->List({.label_selector = "suite=json-list"});
  ASSERT_TRUE(whole.ok()) << whole.status();
  ASSERT_EQ(paged.size(), static_cast<size_t>(kPods));
  ASSERT_EQ(whole->items.size(), static_cast<size_t>(kPods));

  // One raw JSON LIST body of all of them, decoded whole (what List did before it streamed).
  absl::StatusOr<rest::Result> raw = client_->Get()
                                         .Namespace(ns_)
                                         .Resource("pods")
                                         .Param("labelSelector", "suite=json-list")
                                         .Accept("application/json")
                                         .Do();
  ASSERT_TRUE(raw.ok()) << raw.status();
  api::JsonCodec codec(api::DefaultRegistry());
  api::core::v1::PodList whole_json;
  ASSERT_TRUE(codec.DecodeInto(raw->body, &whole_json).ok());
  ASSERT_EQ(whole_json.items_size(), kPods);

  for (int i = 0; i < kPods; ++i) {
    using google::protobuf::util::MessageDifferencer;
    EXPECT_TRUE(MessageDifferencer::Equals(*paged[i], whole_json.items(i))) << i;
    // The protobuf form spells out zero numbers the JSON omits, and keeps members kubecpp does
    // not know as unknown fields (JSON drops them): set both aside.
    Pod from_proto = *whole->items[i];
    Pod from_json = *paged[i];
    from_proto.DiscardUnknownFields();
    api::testing::ClearZeroNumbers(&from_proto);
    api::testing::ClearZeroNumbers(&from_json);
    std::string diff;
    MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&diff);
    EXPECT_TRUE(differencer.Compare(from_json, from_proto)) << paged[i]->metadata().name() << diff;
    EXPECT_EQ(paged[i]->metadata().annotations().at("tricky"), tricky_decoded);
    if (HasFailure()) break;
  }

  size_t largest_item = 0;
  int64_t decoded = 0;
  constexpr size_t kChunk = 16384;
  internal::JsonListStreamDecoder decoder(
      [](absl::string_view api_version, absl::string_view kind) {
        return api_version == "v1" && kind == "PodList"
                   ? absl::OkStatus()
                   : absl::InvalidArgumentError(absl::StrCat(api_version, " ", kind));
      },
      [&](absl::string_view item) {
        largest_item = std::max(largest_item, item.size());
        Pod pod;
        absl::Status s = codec.DecodeInto(item, &pod);
        if (s.ok()) ++decoded;
        return s;
      });
  for (size_t at = 0; at < raw->body.size(); at += kChunk) {
    ASSERT_TRUE(decoder.Feed(absl::string_view(raw->body).substr(at, kChunk)).ok());
  }
  absl::StatusOr<api::meta::v1::ListMeta> meta = decoder.Finish();
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_FALSE(meta->resourceversion().empty());
  EXPECT_EQ(decoded, kPods);
  EXPECT_LE(decoder.buffered_high_water(), largest_item + kChunk + 64);
  std::cout << "JSON LIST of " << kPods << " pods: body " << raw->body.size()
            << " bytes, largest item " << largest_item << " bytes, " << kChunk
            << "-byte chunks: buffered_high_water " << decoder.buffered_high_water() << " bytes\n";

  // No namespace controller runs in the testenv: the pods go now, not with the namespace.
  EXPECT_TRUE(client_->Delete().Namespace(ns_).Resource("pods").Do().ok());
}

TEST_F(InformerApiserverTest, PodsAreIndexedByNodeAndNamespace) {
  ASSERT_NO_FATAL_FAILURE(CreateDefaultServiceAccount());
  for (int i = 0; i < 5; ++i) {
    // No kubelet runs: bound to a node that does not exist, the pods stay Pending.
    ASSERT_TRUE(
        Post(ns_, "pods",
             absl::StrCat(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p)", i,
                          R"("},"spec":{"nodeName":")", i < 3 ? "node-a" : "node-b",
                          R"(","automountServiceAccountToken":false,)",
                          R"("containers":[{"name":"c","image":"registry.invalid/p:1"}]}})"))
            .ok());
  }
  auto lw = RestListerWatcher<Pod>::Create(client_, {.resource = "pods", .ns = ns_});
  ASSERT_TRUE(lw.ok()) << lw.status();
  SharedInformerOptions<Pod> options;
  options.indexers.push_back({"node", "test:spec.nodeName", [](const Pod& p) {
                                return std::vector<std::string>{p.spec().nodename()};
                              }});
  auto informer = SharedIndexInformer<Pod>::Create(lw->get(), std::move(options));
  ASSERT_TRUE(informer.ok()) << informer.status();
  (*informer)->Run();
  ASSERT_TRUE((*informer)->WaitForCacheSync(Deadline()));
  const indexers::Indexer<Pod>& cache = (*informer)->GetIndexer();
  auto on_a = cache.ByIndex("node", "node-a");
  auto on_b = cache.ByIndex("node", "node-b");
  auto in_ns = cache.ByIndex(indexers::kNamespaceIndex, ns_);
  ASSERT_TRUE(on_a.ok() && on_b.ok() && in_ns.ok());
  EXPECT_EQ(on_a->size(), 3u);
  EXPECT_EQ(on_b->size(), 2u);
  EXPECT_EQ(in_ns->size(), 5u);
  for (const auto& pod : *on_a) {
    EXPECT_EQ(pod->spec().nodename(), "node-a");
    EXPECT_EQ(pod->spec().containers(0).image(), "registry.invalid/p:1");
  }
}

}  // namespace
}  // namespace kube::informers
