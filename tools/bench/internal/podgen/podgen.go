// Package podgen generates the benchmark's pods: realistic, deterministic, about 4 KB of JSON
// each, shaped like what a kube-apiserver returns for a Deployment's running pod (server
// defaults filled in, two managedFields entries, an owner reference, two containers with env,
// ports, resources and probes, a running status with conditions and container statuses).
//
// The same (Params, index) always yields the same pod, byte for byte once encoded, so the
// replay server, the validation against a real apiserver and any later run agree.
package podgen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Params fixes a generated population.
type Params struct {
	// N is the number of pods.
	N int
	// Namespaces is how many namespaces they are spread over: pod i lives in Namespace(i % Namespaces).
	Namespaces int
	// Seed varies every random choice (names, images, IPs, ...).
	Seed uint64
}

// FirstResourceVersion is the resourceVersion of pod 0; pod i has FirstResourceVersion+i.
const FirstResourceVersion = 10000

// ListResourceVersion is the resourceVersion of a LIST of the whole population: one past the
// newest pod. Watch event e (0-based) carries ListResourceVersion+1+e.
func (p Params) ListResourceVersion() int64 { return FirstResourceVersion + int64(p.N) }

// Namespace is the name of namespace number k.
func Namespace(k int) string { return fmt.Sprintf("bench-ns-%04d", k) }

// baseTime is when the generated cluster "started"; every timestamp is after it.
var baseTime = time.Date(2026, time.March, 2, 8, 0, 0, 0, time.UTC)

var apps = []string{
	"checkout", "cart", "payments", "search", "catalog", "frontend", "auth", "inventory",
	"shipping", "reviews", "recommendations", "notifications", "ledger", "gateway",
}

var teams = []string{"storefront", "platform", "fulfilment", "identity", "data"}

// nameAlphabet is the alphabet Kubernetes uses for generated name suffixes.
const nameAlphabet = "bcdfghjklmnpqrstvwxz2456789"

func randString(r *rand.Rand, n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// uniqueSuffix maps i to a distinct 5-character suffix for every i < 27^5 (the multiplier is
// coprime with 27^5, so the map is a bijection), so pod names never collide.
func uniqueSuffix(i int) string {
	const mod = 27 * 27 * 27 * 27 * 27
	v := (uint64(i)*7919 + 12345) % mod
	b := make([]byte, 5)
	for k := 4; k >= 0; k-- {
		b[k] = nameAlphabet[v%27]
		v /= 27
	}
	return string(b)
}

func uuid(r *rand.Rand) types.UID {
	const hex = "0123456789abcdef"
	b := []byte(randString(r, 32, hex))
	b[12] = '4'
	return types.UID(fmt.Sprintf("%s-%s-%s-%s-%s", b[0:8], b[8:12], b[12:16], b[16:20], b[20:32]))
}

func ts(seconds int) metav1.Time {
	return metav1.NewTime(baseTime.Add(time.Duration(seconds) * time.Second))
}

// Key is the informer key (namespace/name) of pod i.
func (p Params) Key(i int) string {
	pod := p.Pod(i)
	return pod.Namespace + "/" + pod.Name
}

// Pod returns pod i of the population.
func (p Params) Pod(i int) *corev1.Pod {
	r := rand.New(rand.NewPCG(p.Seed, uint64(i)))
	app := apps[r.IntN(len(apps))]
	team := teams[r.IntN(len(teams))]
	ns := Namespace(i % p.Namespaces)
	rsHash := randString(r, 10, nameAlphabet)
	name := app + "-" + rsHash + "-" + uniqueSuffix(i)
	version := fmt.Sprintf("v1.%d.%d", r.IntN(30), r.IntN(10))
	created := 60 + i%86400 + r.IntN(60)
	started := created + 1 + r.IntN(3)
	ready := started + 4 + r.IntN(20)
	node := fmt.Sprintf("worker-%03d", r.IntN(200))
	hostIP := fmt.Sprintf("10.0.%d.%d", r.IntN(4), 1+r.IntN(250))
	podIP := fmt.Sprintf("10.%d.%d.%d", 64+r.IntN(64), r.IntN(256), 1+r.IntN(250))
	image := fmt.Sprintf("registry.example/%s/%s:%s", team, app, version)
	sidecarImage := "registry.example/platform/envoy-proxy:v1.33.2"
	appDigest := randString(r, 64, "0123456789abcdef")
	sidecarDigest := randString(r, 64, "0123456789abcdef")
	configHash := randString(r, 64, "0123456789abcdef")
	rsName := app + "-" + rsHash
	managerTime := ts(created)
	kubeletTime := ts(ready)

	labels := map[string]string{
		"app":               app,
		"version":           version,
		"team":              team,
		"pod-template-hash": rsHash,
	}
	annotations := map[string]string{
		"prometheus.io/scrape": "true",
		"prometheus.io/port":   "9090",
		"checksum/config":      configHash[:16],
	}

	mem := resource.MustParse(fmt.Sprintf("%dMi", 128*(1+r.IntN(8))))
	cpu := resource.MustParse(fmt.Sprintf("%dm", 50*(1+r.IntN(10))))
	probe := func(path string, port int32, initial int32) *corev1.Probe {
		return &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
				Path: path, Port: intstr.FromInt32(port), Scheme: corev1.URISchemeHTTP,
			}},
			InitialDelaySeconds: initial,
			TimeoutSeconds:      1,
			PeriodSeconds:       10,
			SuccessThreshold:    1,
			FailureThreshold:    3,
		}
	}
	fieldEnv := func(name, path string) corev1.EnvVar {
		return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{
			FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: path},
		}}
	}
	defaultMode := int32(420)
	tolerationSeconds := int64(300)
	grace := int64(30)
	priority := int32(0)
	preempt := corev1.PreemptLowerPriority
	enableLinks := true

	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:              name,
			GenerateName:      rsName + "-",
			Namespace:         ns,
			UID:               uuid(r),
			ResourceVersion:   strconv.FormatInt(FirstResourceVersion+int64(i), 10),
			Generation:        1,
			CreationTimestamp: ts(created),
			Labels:            labels,
			Annotations:       annotations,
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion:         "apps/v1",
				Kind:               "ReplicaSet",
				Name:               rsName,
				UID:                uuid(r),
				Controller:         ptr(true),
				BlockOwnerDeletion: ptr(true),
			}},
			ManagedFields: []metav1.ManagedFieldsEntry{
				{
					Manager:    "kube-controller-manager",
					Operation:  metav1.ManagedFieldsOperationUpdate,
					APIVersion: "v1",
					Time:       &managerTime,
					FieldsType: "FieldsV1",
					FieldsV1:   &metav1.FieldsV1{Raw: []byte(specFields(app))},
				},
				{
					Manager:     "kubelet",
					Operation:   metav1.ManagedFieldsOperationUpdate,
					APIVersion:  "v1",
					Time:        &kubeletTime,
					FieldsType:  "FieldsV1",
					FieldsV1:    &metav1.FieldsV1{Raw: []byte(statusFields(podIP))},
					Subresource: "status",
				},
			},
		},
		Spec: corev1.PodSpec{
			Volumes: []corev1.Volume{
				{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
					LocalObjectReference: corev1.LocalObjectReference{Name: app + "-config"},
					DefaultMode:          &defaultMode,
				}}},
			},
			Containers: []corev1.Container{
				{
					Name:  app,
					Image: image,
					Ports: []corev1.ContainerPort{
						{Name: "http", ContainerPort: 8080, Protocol: corev1.ProtocolTCP},
						{Name: "metrics", ContainerPort: 9090, Protocol: corev1.ProtocolTCP},
					},
					Env: []corev1.EnvVar{
						{Name: "APP_ENV", Value: "production"},
						fieldEnv("POD_NAME", "metadata.name"),
					},
					Resources: corev1.ResourceRequirements{
						Requests: corev1.ResourceList{corev1.ResourceCPU: cpu, corev1.ResourceMemory: mem},
						Limits:   corev1.ResourceList{corev1.ResourceMemory: mem},
					},
					VolumeMounts:             []corev1.VolumeMount{{Name: "config", MountPath: "/etc/" + app, ReadOnly: true}},
					LivenessProbe:            probe("/healthz", 8080, 10),
					ReadinessProbe:           probe("/readyz", 8080, 5),
					TerminationMessagePath:   corev1.TerminationMessagePathDefault,
					TerminationMessagePolicy: corev1.TerminationMessageReadFile,
					ImagePullPolicy:          corev1.PullIfNotPresent,
				},
				{
					Name:  "proxy",
					Image: sidecarImage,
					Ports: []corev1.ContainerPort{{Name: "proxy-admin", ContainerPort: 15000, Protocol: corev1.ProtocolTCP}},
					Resources: corev1.ResourceRequirements{
						Requests: corev1.ResourceList{
							corev1.ResourceCPU:    resource.MustParse("50m"),
							corev1.ResourceMemory: resource.MustParse("64Mi"),
						},
						Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("128Mi")},
					},
					TerminationMessagePath:   corev1.TerminationMessagePathDefault,
					TerminationMessagePolicy: corev1.TerminationMessageReadFile,
					ImagePullPolicy:          corev1.PullIfNotPresent,
				},
			},
			RestartPolicy:                 corev1.RestartPolicyAlways,
			TerminationGracePeriodSeconds: &grace,
			DNSPolicy:                     corev1.DNSClusterFirst,
			ServiceAccountName:            "default",
			DeprecatedServiceAccount:      "default",
			NodeName:                      node,
			SecurityContext:               &corev1.PodSecurityContext{},
			SchedulerName:                 corev1.DefaultSchedulerName,
			Tolerations: []corev1.Toleration{
				{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: &tolerationSeconds},
				{Key: "node.kubernetes.io/unreachable", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: &tolerationSeconds},
			},
			Priority:           &priority,
			EnableServiceLinks: &enableLinks,
			PreemptionPolicy:   &preempt,
		},
		Status: corev1.PodStatus{
			ObservedGeneration: 1,
			Phase:              corev1.PodRunning,
			Conditions: []corev1.PodCondition{
				{Type: corev1.PodReady, Status: corev1.ConditionTrue, ObservedGeneration: 1, LastTransitionTime: ts(ready)},
				{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, ObservedGeneration: 1, LastTransitionTime: ts(ready)},
				{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, ObservedGeneration: 1, LastTransitionTime: ts(created)},
			},
			HostIP:    hostIP,
			HostIPs:   []corev1.HostIP{{IP: hostIP}},
			PodIP:     podIP,
			PodIPs:    []corev1.PodIP{{IP: podIP}},
			StartTime: ptr(ts(created)),
			ContainerStatuses: []corev1.ContainerStatus{
				{
					Name:         app,
					State:        corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: ts(started)}},
					Ready:        true,
					RestartCount: 0,
					Image:        image,
					ImageID:      "registry.example/" + team + "/" + app + "@sha256:" + appDigest,
					ContainerID:  "containerd://" + randString(r, 64, "0123456789abcdef"),
					Started:      ptr(true),
				},
				{
					Name:         "proxy",
					State:        corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: ts(started)}},
					Ready:        true,
					RestartCount: 0,
					Image:        sidecarImage,
					ImageID:      "registry.example/platform/envoy-proxy@sha256:" + sidecarDigest,
					ContainerID:  "containerd://" + randString(r, 64, "0123456789abcdef"),
					Started:      ptr(true),
				},
			},
			QOSClass: corev1.PodQOSBurstable,
		},
	}
	return pod
}

// Modified returns pod i as watch event e changes it: the readiness of the app container
// flips, with the status, conditions and resourceVersion that go with it (what a kubelet status
// update looks like on the wire).
func (p Params) Modified(i int, e int) *corev1.Pod {
	pod := p.Pod(i)
	pod.ResourceVersion = strconv.FormatInt(p.ListResourceVersion()+1+int64(e), 10)
	ready := e%2 == 1
	status := corev1.ConditionTrue
	if !ready {
		status = corev1.ConditionFalse
	}
	when := ts(86400 + 120 + e)
	for k := range pod.Status.Conditions {
		c := &pod.Status.Conditions[k]
		if c.Type == corev1.PodReady || c.Type == corev1.ContainersReady {
			c.Status = status
			c.LastTransitionTime = when
			if !ready {
				c.Reason = "ContainersNotReady"
				c.Message = "containers with unready status: [" + pod.Spec.Containers[0].Name + "]"
			}
		}
	}
	pod.Status.ContainerStatuses[0].Ready = ready
	pod.ManagedFields[1].Time = &when
	return pod
}

func ptr[T any](v T) *T { return &v }

// specFields is the FieldsV1 set kube-controller-manager owns on a Deployment's pod (abridged).
func specFields(app string) string {
	return `{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{}},"f:ownerReferences":{}},"f:spec":{"f:containers":{"k:{\"name\":\"` + app + `\"}":{".":{},` +
		`"f:env":{},"f:image":{},"f:ports":{},"f:resources":{}},"k:{\"name\":\"proxy\"}":{}},"f:volumes":{}}}`
}

// statusFields is the FieldsV1 set the kubelet owns through the status subresource (abridged).
func statusFields(podIP string) string {
	return `{"f:status":{"f:conditions":{"k:{\"type\":\"Ready\"}":{"f:status":{}}},"f:containerStatuses":{},` +
		`"f:phase":{},"f:podIP":{},"f:podIPs":{"k:{\"ip\":\"` + podIP + `\"}":{}}}}`
}
