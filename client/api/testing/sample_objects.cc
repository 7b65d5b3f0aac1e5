#include "client/api/testing/sample_objects.h"

#include <string>

#include "client/api/core/v1/container.pb.h"
#include "client/api/core/v1/volume_source.pb.h"

namespace kube::api::testing {
namespace {

namespace core = ::kube::api::core::v1;

void IntPort(kube::api::intstr::IntOrString* port, int value) {
  port->set_type(0);
  port->set_intval(value);
}

void NamedPort(kube::api::intstr::IntOrString* port, const std::string& name) {
  port->set_type(1);
  port->set_strval(name);
}

void Resources(core::ResourceRequirements* resources, const char* cpu, const char* memory) {
  (*resources->mutable_requests())["cpu"].set_string(cpu);
  (*resources->mutable_requests())["memory"].set_string(memory);
  (*resources->mutable_limits())["cpu"].set_string("1");
  (*resources->mutable_limits())["memory"].set_string("256Mi");
}

void MainContainer(core::Container* c) {
  c->set_name("app");
  c->set_image("registry.example/app:1.2.3");
  c->set_imagepullpolicy("IfNotPresent");
  c->add_command("/bin/app");
  c->add_args("--port=8080");
  c->add_args("--verbose");
  c->set_workingdir("/srv");
  core::ContainerPort* http = c->add_ports();
  http->set_name("http");
  http->set_containerport(8080);
  http->set_protocol("TCP");
  core::ContainerPort* metrics = c->add_ports();
  metrics->set_name("metrics");
  metrics->set_containerport(9090);
  metrics->set_protocol("UDP");

  core::EnvFromSource* from_cm = c->add_envfrom();
  from_cm->set_prefix("CFG_");
  from_cm->mutable_configmapref()->mutable_localobjectreference()->set_name("app-config");
  core::EnvFromSource* from_secret = c->add_envfrom();
  from_secret->mutable_secretref()->mutable_localobjectreference()->set_name("app-secret");
  from_secret->mutable_secretref()->set_optional(true);

  core::EnvVar* plain = c->add_env();
  plain->set_name("MODE");
  plain->set_value("production");
  core::EnvVar* pod_ip = c->add_env();
  pod_ip->set_name("POD_IP");
  pod_ip->mutable_valuefrom()->mutable_fieldref()->set_apiversion("v1");
  pod_ip->mutable_valuefrom()->mutable_fieldref()->set_fieldpath("status.podIP");
  core::EnvVar* cpu = c->add_env();
  cpu->set_name("CPU_LIMIT");
  cpu->mutable_valuefrom()->mutable_resourcefieldref()->set_containername("app");
  cpu->mutable_valuefrom()->mutable_resourcefieldref()->set_resource("limits.cpu");
  cpu->mutable_valuefrom()->mutable_resourcefieldref()->mutable_divisor()->set_string("1m");
  core::EnvVar* from_key = c->add_env();
  from_key->set_name("LEVEL");
  from_key->mutable_valuefrom()
      ->mutable_configmapkeyref()
      ->mutable_localobjectreference()
      ->set_name("app-config");
  from_key->mutable_valuefrom()->mutable_configmapkeyref()->set_key("level");
  core::EnvVar* password = c->add_env();
  password->set_name("PASSWORD");
  password->mutable_valuefrom()->mutable_secretkeyref()->mutable_localobjectreference()->set_name(
      "app-secret");
  password->mutable_valuefrom()->mutable_secretkeyref()->set_key("password");
  password->mutable_valuefrom()->mutable_secretkeyref()->set_optional(false);

  Resources(c->mutable_resources(), "250m", "64Mi");
  core::ContainerResizePolicy* resize = c->add_resizepolicy();
  resize->set_resourcename("cpu");
  resize->set_restartpolicy("NotRequired");

  core::VolumeMount* config = c->add_volumemounts();
  config->set_name("config");
  config->set_mountpath("/etc/app");
  config->set_readonly(true);
  core::VolumeMount* cache = c->add_volumemounts();
  cache->set_name("cache");
  cache->set_mountpath("/var/cache/app");
  cache->set_subpath("app");
  core::VolumeMount* token = c->add_volumemounts();
  token->set_name("token");
  token->set_mountpath("/var/run/secrets/tokens");
  token->set_mountpropagation("None");

  core::Probe* liveness = c->mutable_livenessprobe();
  core::HTTPGetAction* get = liveness->mutable_handler()->mutable_httpget();
  get->set_path("/healthz");
  IntPort(get->mutable_port(), 8080);
  get->set_scheme("HTTP");
  core::HTTPHeader* header = get->add_httpheaders();
  header->set_name("X-Probe");
  header->set_value("liveness");
  liveness->set_initialdelayseconds(5);
  liveness->set_periodseconds(10);
  liveness->set_timeoutseconds(2);
  liveness->set_failurethreshold(3);
  liveness->set_successthreshold(1);
  liveness->set_terminationgraceperiodseconds(30);

  core::Probe* readiness = c->mutable_readinessprobe();
  NamedPort(readiness->mutable_handler()->mutable_tcpsocket()->mutable_port(), "http");
  readiness->set_periodseconds(5);

  core::Probe* startup = c->mutable_startupprobe();
  startup->mutable_handler()->mutable_exec()->add_command("cat");
  startup->mutable_handler()->mutable_exec()->add_command("/tmp/started");
  startup->set_failurethreshold(30);

  c->mutable_lifecycle()->mutable_poststart()->mutable_exec()->add_command("/bin/warmup");
  c->mutable_lifecycle()->mutable_prestop()->mutable_sleep()->set_seconds(5);

  core::SecurityContext* security = c->mutable_securitycontext();
  security->mutable_capabilities()->add_drop("ALL");
  security->mutable_capabilities()->add_add("NET_BIND_SERVICE");
  security->set_allowprivilegeescalation(false);
  security->set_readonlyrootfilesystem(true);
  security->set_runasgroup(3000);
  security->mutable_seccompprofile()->set_type("RuntimeDefault");
  c->set_terminationmessagepolicy("FallbackToLogsOnError");
}

void Volumes(core::PodSpec* spec) {
  core::Volume* config = spec->add_volumes();
  config->set_name("config");
  core::ConfigMapVolumeSource* cm = config->mutable_volumesource()->mutable_configmap();
  cm->mutable_localobjectreference()->set_name("app-config");
  cm->set_defaultmode(0440);
  core::KeyToPath* item = cm->add_items();
  item->set_key("app.yaml");
  item->set_path("app.yaml");
  item->set_mode(0400);

  core::Volume* secret = spec->add_volumes();
  secret->set_name("secret");
  secret->mutable_volumesource()->mutable_secret()->set_secretname("app-secret");
  secret->mutable_volumesource()->mutable_secret()->set_optional(true);

  core::Volume* cache = spec->add_volumes();
  cache->set_name("cache");
  cache->mutable_volumesource()->mutable_emptydir()->set_medium("Memory");
  cache->mutable_volumesource()->mutable_emptydir()->mutable_sizelimit()->set_string("128Mi");

  core::Volume* token = spec->add_volumes();
  token->set_name("token");
  core::ProjectedVolumeSource* projected = token->mutable_volumesource()->mutable_projected();
  projected->set_defaultmode(0420);
  core::ServiceAccountTokenProjection* sa = projected->add_sources()->mutable_serviceaccounttoken();
  sa->set_audience("vault");
  sa->set_expirationseconds(3600);
  sa->set_path("vault-token");
  core::DownwardAPIVolumeFile* labels =
      projected->add_sources()->mutable_downwardapi()->add_items();
  labels->set_path("labels");
  labels->mutable_fieldref()->set_fieldpath("metadata.labels");
  core::ConfigMapProjection* cmp = projected->add_sources()->mutable_configmap();
  cmp->mutable_localobjectreference()->set_name("ca-bundle");
  cmp->set_optional(true);

  core::Volume* info = spec->add_volumes();
  info->set_name("podinfo");
  core::DownwardAPIVolumeFile* limits =
      info->mutable_volumesource()->mutable_downwardapi()->add_items();
  limits->set_path("cpu_limit");
  limits->mutable_resourcefieldref()->set_containername("app");
  limits->mutable_resourcefieldref()->set_resource("limits.cpu");

  core::Volume* claim = spec->add_volumes();
  claim->set_name("data");
  claim->mutable_volumesource()->mutable_persistentvolumeclaim()->set_claimname("app-data");
  claim->mutable_volumesource()->mutable_persistentvolumeclaim()->set_readonly(false);

  core::Volume* scratch = spec->add_volumes();
  scratch->set_name("scratch");
  core::PersistentVolumeClaimTemplate* tmpl =
      scratch->mutable_volumesource()->mutable_ephemeral()->mutable_volumeclaimtemplate();
  (*tmpl->mutable_metadata()->mutable_labels())["type"] = "scratch";
  tmpl->mutable_spec()->add_accessmodes("ReadWriteOnce");
  tmpl->mutable_spec()->set_storageclassname("fast");
  (*tmpl->mutable_spec()->mutable_resources()->mutable_requests())["storage"].set_string("1Gi");

  core::Volume* host = spec->add_volumes();
  host->set_name("host-logs");
  host->mutable_volumesource()->mutable_hostpath()->set_path("/var/log");
  host->mutable_volumesource()->mutable_hostpath()->set_type("Directory");
}

void Scheduling(core::PodSpec* spec) {
  core::NodeSelectorRequirement* zone =
      spec->mutable_affinity()
          ->mutable_nodeaffinity()
          ->mutable_requiredduringschedulingignoredduringexecution()
          ->add_nodeselectorterms()
          ->add_matchexpressions();
  zone->set_key("topology.kubernetes.io/zone");
  zone->set_operator_("In");
  zone->add_values("zone-a");
  zone->add_values("zone-b");
  core::PreferredSchedulingTerm* preferred =
      spec->mutable_affinity()
          ->mutable_nodeaffinity()
          ->add_preferredduringschedulingignoredduringexecution();
  preferred->set_weight(10);
  core::NodeSelectorRequirement* ssd = preferred->mutable_preference()->add_matchexpressions();
  ssd->set_key("disk");
  ssd->set_operator_("Exists");
  core::WeightedPodAffinityTerm* spread =
      spec->mutable_affinity()
          ->mutable_podantiaffinity()
          ->add_preferredduringschedulingignoredduringexecution();
  spread->set_weight(100);
  (*spread->mutable_podaffinityterm()->mutable_labelselector()->mutable_matchlabels())["app"] =
      "rich";
  spread->mutable_podaffinityterm()->set_topologykey("kubernetes.io/hostname");

  core::Toleration* toleration = spec->add_tolerations();
  toleration->set_key("dedicated");
  toleration->set_operator_("Equal");
  toleration->set_value("batch");
  toleration->set_effect("NoExecute");
  toleration->set_tolerationseconds(60);
  core::Toleration* any = spec->add_tolerations();
  any->set_operator_("Exists");
  any->set_effect("NoSchedule");

  core::TopologySpreadConstraint* tsc = spec->add_topologyspreadconstraints();
  tsc->set_maxskew(1);
  tsc->set_topologykey("topology.kubernetes.io/zone");
  tsc->set_whenunsatisfiable("ScheduleAnyway");
  (*tsc->mutable_labelselector()->mutable_matchlabels())["app"] = "rich";
  kube::api::meta::v1::LabelSelectorRequirement* tier =
      tsc->mutable_labelselector()->add_matchexpressions();
  tier->set_key("tier");
  tier->set_operator_("NotIn");
  tier->add_values("test");

  (*spec->mutable_nodeselector())["kubernetes.io/os"] = "linux";
  spec->add_schedulinggates()->set_name("example.com/hold");
  spec->add_readinessgates()->set_conditiontype("example.com/ready");
  spec->mutable_os()->set_name("linux");
}

}  // namespace

core::Pod RichPod(absl::string_view namespace_name, absl::string_view name) {
  core::Pod pod;
  kube::api::meta::v1::ObjectMeta* meta = pod.mutable_metadata();
  meta->set_name(std::string(name));
  meta->set_namespace_(std::string(namespace_name));
  (*meta->mutable_labels())["app"] = "rich";
  (*meta->mutable_labels())["tier"] = "backend";
  (*meta->mutable_annotations())["example.com/note"] = "a pod with \"quotes\" and\nnewlines";

  core::PodSpec* spec = pod.mutable_spec();
  Volumes(spec);

  core::Container* init = spec->add_initcontainers();
  init->set_name("init");
  init->set_image("registry.example/init:1");
  init->add_command("/bin/sh");
  init->add_args("-c");
  init->add_args("echo init");
  Resources(init->mutable_resources(), "100m", "32Mi");
  core::Container* sidecar = spec->add_initcontainers();
  sidecar->set_name("proxy");
  sidecar->set_image("registry.example/proxy:2");
  sidecar->set_restartpolicy("Always");
  core::ContainerPort* admin = sidecar->add_ports();
  admin->set_containerport(15000);
  admin->set_name("admin");
  sidecar->mutable_readinessprobe()->mutable_handler()->mutable_grpc()->set_port(15000);

  MainContainer(spec->add_containers());

  spec->set_restartpolicy("Always");
  spec->set_terminationgraceperiodseconds(45);
  spec->set_serviceaccountname("default");
  spec->set_activedeadlineseconds(3600);
  spec->set_dnspolicy("None");
  spec->mutable_dnsconfig()->add_nameservers("10.0.0.10");
  spec->mutable_dnsconfig()->add_searches("svc.cluster.local");
  core::PodDNSConfigOption* ndots = spec->mutable_dnsconfig()->add_options();
  ndots->set_name("ndots");
  ndots->set_value("2");
  spec->set_automountserviceaccounttoken(false);
  spec->set_enableservicelinks(false);
  spec->set_shareprocessnamespace(true);
  spec->set_hostname("rich");
  spec->set_subdomain("backend");
  spec->add_imagepullsecrets()->set_name("registry-credentials");
  core::HostAlias* alias = spec->add_hostaliases();
  alias->set_ip("10.1.2.3");
  alias->add_hostnames("db.internal");

  core::PodSecurityContext* security = spec->mutable_securitycontext();
  security->set_runasuser(1000);
  security->set_runasgroup(0);  // a pointer in Go: zero is a value, not "unset"
  security->set_runasnonroot(true);
  security->set_fsgroup(2000);
  security->add_supplementalgroups(4000);
  security->set_fsgroupchangepolicy("OnRootMismatch");
  security->mutable_seccompprofile()->set_type("RuntimeDefault");
  core::Sysctl* sysctl = security->add_sysctls();
  sysctl->set_name("net.ipv4.ip_unprivileged_port_start");
  sysctl->set_value("0");

  Scheduling(spec);
  return pod;
}

}  // namespace kube::api::testing
