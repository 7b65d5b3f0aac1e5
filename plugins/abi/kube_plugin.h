/*
 * kube_plugin.h — the kubecpp plugin ABI: everything a plugin must include, and nothing else.
 *
 * Where it sits: an informer runs its transform plugins on every object before storing it, and
 * its index plugins on every stored object (docs/architecture.md, "How data flows"). The host
 * side is //plugins/host; the optional C++ helpers for plugin authors are //plugins/sdk. The
 * authoring guide is docs/plugins.md.
 *
 * This header is plain C11 and compiles unchanged as C++. No C++ type, no Abseil type and no
 * kubecpp type crosses it: a plugin built with any compiler against any version of this header
 * with the same major version keeps working with every later kubecpp release.
 *
 * ----------------------------------------------------------------------------------------------
 * Shape of the ABI
 *
 *   A plugin is a shared object that exports exactly one symbol, kube_plugin_entry. The host
 *   loads it, calls the entry with its own callback table (kube_host_api) and gets back the
 *   plugin's function table (kube_plugin_api). The plugin reaches the host only through the
 *   callback table, so it links no host symbol, and the host reaches the plugin only through
 *   the function table.
 *
 *     host                                        plugin
 *     dlopen, dlsym("kube_plugin_entry")
 *     kube_plugin_entry(&host_api)        ->      returns &plugin_api (static storage)
 *     handshake (versions, sizes, kind, required functions); refuse on any mismatch
 *     plugin_api.init(...)                        once per load, optional
 *     plugin_api.create(config) per informer      -> kube_plugin_instance*
 *     plugin_api.index(instance, object, sink)    many times, maybe concurrently
 *     plugin_api.transform(instance, object, editor)
 *     plugin_api.destroy(instance)
 *     plugin_api.shutdown()                       after the last instance is destroyed
 *     dlclose
 *
 * Versioning rules (kept for the life of major version 1)
 *
 *   - KUBE_PLUGIN_ABI_MAJOR changes only for an incompatible change; the host refuses a plugin
 *     whose major differs from its own.
 *   - KUBE_PLUGIN_ABI_MINOR grows when something is appended. The host accepts a plugin built
 *     against its own minor or an older one, and refuses a newer minor (the plugin might rely
 *     on callbacks this host lacks).
 *   - Every struct starts with `size_t struct_size`, set by whoever fills the struct to the
 *     size it was compiled with. Fields are only ever appended, never reordered, retyped or
 *     removed; readers check struct_size before touching a field (KUBE_PLUGIN_HAS_FIELD).
 *   - The first three fields of kube_plugin_api and kube_host_api (struct_size, abi_major,
 *     abi_minor) and the signature of kube_plugin_entry never change, even across majors, so
 *     that any host can read any plugin's version and explain a refusal.
 *   - Enumerations are plain integer typedefs with #define'd values, never C enums (whose size
 *     is the compiler's choice). New values may be added in a minor version; a receiver treats
 *     a value it does not know as an error, never as undefined behaviour.
 *
 * Strings
 *
 *   Every string crosses as a (const char* data, size_t size) pair: not NUL-terminated, may
 *   contain any byte, and data may be NULL when size is 0. The only exceptions are the
 *   name/version/description of kube_plugin_api, which are NUL-terminated static strings.
 *
 * Ownership
 *
 *   - Memory is freed by whoever allocated it; no allocation ever changes hands.
 *   - Strings the plugin passes to the host (error messages, index values, edits, log lines)
 *     are copied by the host before the callback returns.
 *   - Strings the host returns to the plugin (object accessors) stay owned by the host and are
 *     valid until the plugin call that received the object handle returns, or until the next
 *     editing callback on that object, whichever comes first. Copy them to keep them.
 *   - Handles (kube_host_object, kube_host_editor, kube_host_index_sink, kube_host_error) are
 *     owned by the host and valid only during the plugin call they were passed to. The
 *     kube_host_context handle given to init/create lives as long as the library / instance.
 *   - A kube_plugin_instance is owned by the plugin; the host only passes it back, and calls
 *     destroy exactly once.
 *
 * Errors
 *
 *   Fallible functions return a kube_plugin_status, numbered exactly as absl::StatusCode.
 *   A plugin returning an error should describe it with kube_host_api.error_set_message; the
 *   host copies the message and attaches the plugin's name. A plugin must never let a C++
 *   exception or a longjmp cross this boundary (the SDK catches every exception).
 *
 * Threads
 *
 *   Stated on every function below. In short: the host never calls init/shutdown concurrently
 *   with anything of the same library; it serializes create/destroy per library; it calls
 *   index/transform concurrently on different instances always, and on one instance only when
 *   the plugin sets KUBE_PLUGIN_FLAG_CONCURRENT_CALLS. Host callbacks may be called from the
 *   thread running the plugin call that received the handle, and only during that call.
 *   A plugin keeps no mutable global state: all state lives in its instances.
 */
#ifndef KUBECPP_PLUGINS_ABI_KUBE_PLUGIN_H_
#define KUBECPP_PLUGINS_ABI_KUBE_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* Versions                                                                                   */

#define KUBE_PLUGIN_ABI_MAJOR 1
#define KUBE_PLUGIN_ABI_MINOR 0

/* The one symbol a plugin exports (kube_cc_plugin's version script keeps everything else local). */
#define KUBE_PLUGIN_ENTRY_SYMBOL "kube_plugin_entry"

/* KUBE_PLUGIN_HAS_FIELD: whether the struct behind `ptr` (whose struct_size says how big its
 * writer compiled it) is large enough to hold `field`. Use it before reading any field that
 * was appended after the minor version you require, e.g.
 * KUBE_PLUGIN_HAS_FIELD(host, kube_host_api, editor_map_remove). */
#define KUBE_PLUGIN_HAS_FIELD(ptr, type, field) \
  ((ptr)->struct_size >= offsetof(type, field) + sizeof(((const type*)0)->field))

/* KUBE_PLUGIN_END_OF: the struct_size of `type` as it was when `last_field` was its last field.
 * The host uses these to know the minimum size of each minor version. */
#define KUBE_PLUGIN_END_OF(type, last_field) \
  (offsetof(type, last_field) + sizeof(((const type*)0)->last_field))

/* ------------------------------------------------------------------------------------------ */
/* Status codes: the numbering of absl::StatusCode (and of google.rpc.Code).                  */

typedef int32_t kube_plugin_status;

#define KUBE_PLUGIN_OK 0
#define KUBE_PLUGIN_CANCELLED 1
#define KUBE_PLUGIN_UNKNOWN 2
#define KUBE_PLUGIN_INVALID_ARGUMENT 3
#define KUBE_PLUGIN_DEADLINE_EXCEEDED 4
#define KUBE_PLUGIN_NOT_FOUND 5
#define KUBE_PLUGIN_ALREADY_EXISTS 6
#define KUBE_PLUGIN_PERMISSION_DENIED 7
#define KUBE_PLUGIN_RESOURCE_EXHAUSTED 8
#define KUBE_PLUGIN_FAILED_PRECONDITION 9
#define KUBE_PLUGIN_ABORTED 10
#define KUBE_PLUGIN_OUT_OF_RANGE 11
#define KUBE_PLUGIN_UNIMPLEMENTED 12
#define KUBE_PLUGIN_INTERNAL 13
#define KUBE_PLUGIN_UNAVAILABLE 14
#define KUBE_PLUGIN_DATA_LOSS 15
#define KUBE_PLUGIN_UNAUTHENTICATED 16

/* ------------------------------------------------------------------------------------------ */
/* Enumerations                                                                               */

/* What a plugin is. A library is exactly one kind. */
typedef uint32_t kube_plugin_kind;
#define KUBE_PLUGIN_KIND_INDEX 1     /* object -> zero or more index values */
#define KUBE_PLUGIN_KIND_TRANSFORM 2 /* edits an object before the informer stores it */

/* Bits of kube_plugin_api.flags. Unknown bits are refused by the host. */
/* The plugin's index / transform function may run concurrently on one instance. Without it the
 * host serializes calls per instance (calls on different instances still run in parallel). */
#define KUBE_PLUGIN_FLAG_CONCURRENT_CALLS ((uint32_t)1u << 0)

/* How the host holds the object behind a kube_host_object. The accessors behave the same for
 * all three; a metadata-only object simply has nothing outside kind, apiVersion and metadata. */
typedef uint32_t kube_plugin_representation;
#define KUBE_PLUGIN_REPRESENTATION_TYPED 1         /* a built-in kind, decoded into its schema */
#define KUBE_PLUGIN_REPRESENTATION_UNSTRUCTURED 2  /* a custom resource or unknown kind (JSON) */
#define KUBE_PLUGIN_REPRESENTATION_METADATA_ONLY 3 /* PartialObjectMetadata */

/* The identity strings of an object (kube_host_api.object_identity). */
typedef uint32_t kube_plugin_identity;
#define KUBE_PLUGIN_IDENTITY_KIND 1
#define KUBE_PLUGIN_IDENTITY_API_VERSION 2
#define KUBE_PLUGIN_IDENTITY_NAMESPACE 3 /* empty for cluster-scoped objects */
#define KUBE_PLUGIN_IDENTITY_NAME 4
#define KUBE_PLUGIN_IDENTITY_UID 5
#define KUBE_PLUGIN_IDENTITY_RESOURCE_VERSION 6

/* The string maps of metadata (object_map_*, editor_map_*). */
typedef uint32_t kube_plugin_map;
#define KUBE_PLUGIN_MAP_LABELS 1
#define KUBE_PLUGIN_MAP_ANNOTATIONS 2

/* Severities of kube_host_api.log. */
typedef int32_t kube_plugin_log_severity;
#define KUBE_PLUGIN_LOG_INFO 0
#define KUBE_PLUGIN_LOG_WARNING 1
#define KUBE_PLUGIN_LOG_ERROR 2

/* A tri-state boolean for optional API booleans (ownerReferences[].controller, ...). */
#define KUBE_PLUGIN_BOOL_UNSET (-1)
#define KUBE_PLUGIN_BOOL_FALSE 0
#define KUBE_PLUGIN_BOOL_TRUE 1

/* ------------------------------------------------------------------------------------------ */
/* Opaque handles. The host defines the host_* structs, the plugin defines kube_plugin_instance;
 * neither looks inside the other's.                                                           */

typedef struct kube_host_context kube_host_context;       /* a library or an instance, for log */
typedef struct kube_host_object kube_host_object;         /* an object being read */
typedef struct kube_host_editor kube_host_editor;         /* write access to the same object */
typedef struct kube_host_index_sink kube_host_index_sink; /* receives index values */
typedef struct kube_host_error kube_host_error;           /* receives the message of an error */
typedef struct kube_plugin_instance kube_plugin_instance; /* the plugin's per-instance state */

/* kube_plugin_map_visitor: called by object_map_for_each once per entry, in unspecified order.
 * The strings are valid only during the visitor call. Return 0 to continue, anything else to
 * stop. The visitor must not call editing callbacks and must not throw or longjmp. */
typedef int32_t (*kube_plugin_map_visitor)(void* visitor_context, const char* key, size_t key_size,
                                           const char* value, size_t value_size);

/* ------------------------------------------------------------------------------------------ */
/* kube_plugin_owner_reference: one entry of metadata.ownerReferences, filled by the host.
 * The plugin sets struct_size to sizeof(kube_plugin_owner_reference) before the call; the host
 * fills only the fields that fit. Strings follow the host-string lifetime rule above. */
typedef struct kube_plugin_owner_reference {
  size_t struct_size;
  const char* api_version;
  size_t api_version_size;
  const char* kind;
  size_t kind_size;
  const char* name;
  size_t name_size;
  const char* uid;
  size_t uid_size;
  int32_t controller;           /* KUBE_PLUGIN_BOOL_* */
  int32_t block_owner_deletion; /* KUBE_PLUGIN_BOOL_* */
} kube_plugin_owner_reference;

/* ------------------------------------------------------------------------------------------ */
/* kube_host_api: the host's callbacks, handed to kube_plugin_entry, init and create.
 *
 * The table lives in static storage of the host and stays valid until the library is closed:
 * a plugin may keep the pointer. Every callback is non-blocking, never calls back into the
 * plugin, and never throws. Unless stated, a callback may be called only from the thread
 * executing the plugin call that received the handle, and only during that call.
 *
 * Field paths (object_field, editor_remove_field) are dotted paths as in the Kubernetes API
 * documentation, with [N] for a list element and ['key'] or ["key"] for a map entry; a quote or
 * backslash inside a quoted key is escaped with a backslash:
 *   spec.nodeName   metadata.labels['app.kubernetes.io/name']   spec.containers[0].image
 *   metadata.ownerReferences[0].kind   spec.volumes[0].configMap.name
 * The same path works on typed (protobuf), metadata-only and unstructured objects.
 * A malformed path gives KUBE_PLUGIN_INVALID_ARGUMENT. */
typedef struct kube_host_api {
  size_t struct_size; /* KUBE_PLUGIN_END_OF(kube_host_api, <last field of the host's minor>) */
  uint32_t abi_major; /* KUBE_PLUGIN_ABI_MAJOR of the host */
  uint32_t abi_minor; /* KUBE_PLUGIN_ABI_MINOR of the host */

  /* error_set_message: describes the error the current plugin call is about to return. The host
   * copies the message (possibly truncating very long ones). A later call replaces an earlier
   * one. `error` is the handle passed to the current plugin call. */
  void (*error_set_message)(kube_host_error* error, const char* message, size_t message_size);

  /* log: a diagnostic line attributed to the library or instance of `context` (the handle given
   * to init or create). Thread-safe: callable from any thread while `context` is valid. The host
   * copies the message and may drop lines when a plugin logs too much. */
  void (*log)(kube_host_context* context, kube_plugin_log_severity severity, const char* message,
              size_t message_size);

  /* object_representation: how the host holds the object (KUBE_PLUGIN_REPRESENTATION_*). */
  kube_plugin_representation (*object_representation)(const kube_host_object* object);

  /* object_identity: kind, apiVersion, namespace, name, uid or resourceVersion of the object.
   * OK with an empty string when the object has none; INVALID_ARGUMENT for an unknown `which`. */
  kube_plugin_status (*object_identity)(const kube_host_object* object, kube_plugin_identity which,
                                        const char** value, size_t* value_size);

  /* object_field: the scalar at `path` as text (strings as they are, integers in decimal,
   * booleans as true/false, quantities and times in their API string form).
   * OK: found. NOT_FOUND: the path does not exist in this object (an absent optional field, an
   * index past the end, a missing map key). INVALID_ARGUMENT: the path is malformed or names no
   * field of this kind's schema. FAILED_PRECONDITION: the path names a message, list or map,
   * not a scalar; or the object is metadata-only and the path lies outside metadata. */
  kube_plugin_status (*object_field)(const kube_host_object* object, const char* path,
                                     size_t path_size, const char** value, size_t* value_size);

  /* object_map_get: one label or annotation. OK, NOT_FOUND, or INVALID_ARGUMENT (unknown map). */
  kube_plugin_status (*object_map_get)(const kube_host_object* object, kube_plugin_map map,
                                       const char* key, size_t key_size, const char** value,
                                       size_t* value_size);

  /* object_map_for_each: calls `visitor` for every label or annotation until it returns
   * non-zero. OK (also when stopped early) or INVALID_ARGUMENT (unknown map). */
  kube_plugin_status (*object_map_for_each)(const kube_host_object* object, kube_plugin_map map,
                                            kube_plugin_map_visitor visitor, void* visitor_context);

  /* object_owner_reference_count: the number of metadata.ownerReferences. */
  size_t (*object_owner_reference_count)(const kube_host_object* object);

  /* object_owner_reference: fills `*reference` (whose struct_size the plugin set) with entry
   * `index`. OK, OUT_OF_RANGE (index >= count) or INVALID_ARGUMENT (struct_size too small). */
  kube_plugin_status (*object_owner_reference)(const kube_host_object* object, size_t index,
                                               kube_plugin_owner_reference* reference);

  /* index_sink_emit: adds one index value for the object being indexed; the host copies it.
   * Emitting the same value twice is allowed (the host deduplicates). RESOURCE_EXHAUSTED when
   * the value or the number of values passes the host's limits; the host then fails the whole
   * index call with that status whatever the plugin returns. */
  kube_plugin_status (*index_sink_emit)(kube_host_index_sink* sink, const char* value,
                                        size_t value_size);

  /* editor_remove_field: removes the field at `path` (a whole message, list, map entry or
   * scalar). Removing an absent field is OK, so transforms stay idempotent. INVALID_ARGUMENT for
   * a malformed or unknown path; FAILED_PRECONDITION for fields the host must keep
   * (kind, apiVersion, metadata.name, metadata.namespace, metadata.uid,
   * metadata.resourceVersion). Invalidates every string previously returned for this object. */
  kube_plugin_status (*editor_remove_field)(kube_host_editor* editor, const char* path,
                                            size_t path_size);

  /* editor_map_set: sets a label or annotation (adds or replaces). Invalidates strings
   * previously returned for this object. OK or INVALID_ARGUMENT (unknown map). */
  kube_plugin_status (*editor_map_set)(kube_host_editor* editor, kube_plugin_map map,
                                       const char* key, size_t key_size, const char* value,
                                       size_t value_size);

  /* editor_map_remove: removes a label or annotation; removing an absent key is OK.
   * Invalidates strings previously returned for this object. */
  kube_plugin_status (*editor_map_remove)(kube_host_editor* editor, kube_plugin_map map,
                                          const char* key, size_t key_size);
} kube_host_api;

#define KUBE_HOST_API_SIZE_1_0 KUBE_PLUGIN_END_OF(kube_host_api, editor_map_remove)

/* ------------------------------------------------------------------------------------------ */
/* kube_plugin_api: the plugin's function table, returned by kube_plugin_entry.
 *
 * The table and the strings it points to live in the plugin's static storage and stay valid
 * and unchanged until the library is closed. */
typedef struct kube_plugin_api {
  size_t struct_size; /* KUBE_PLUGIN_API_SIZE_1_<minor the plugin was built against> */
  uint32_t abi_major; /* KUBE_PLUGIN_ABI_MAJOR the plugin was built against */
  uint32_t abi_minor; /* KUBE_PLUGIN_ABI_MINOR the plugin was built against */

  /* name: how users and error messages refer to the plugin, NUL-terminated, 1 to 63
   * characters of [a-z0-9.-], starting and ending with [a-z0-9] (e.g. "pods-by-node"). */
  const char* name;
  /* version: the plugin's own version, NUL-terminated, informational (e.g. "1.2.0"). */
  const char* version;
  /* description: one line for `kubecpp plugin inspect`, NUL-terminated, or NULL. */
  const char* description;

  kube_plugin_kind kind; /* KUBE_PLUGIN_KIND_* */
  uint32_t flags;        /* KUBE_PLUGIN_FLAG_* */

  /* init: plugin-wide setup, called once after a successful handshake, before any create.
   * Optional (NULL: nothing to do). `context` identifies the library in log lines and stays
   * valid until shutdown returns. On error the host refuses the library and calls neither
   * shutdown nor anything else. Never concurrent with any other call into this library. */
  kube_plugin_status (*init)(const kube_host_api* host, kube_host_context* context,
                             kube_host_error* error);

  /* shutdown: plugin-wide teardown, called once after the last instance is destroyed and just
   * before the library is closed; only if init succeeded (or is NULL). Optional. Never
   * concurrent with any other call into this library. */
  void (*shutdown)(void);

  /* create: a new instance configured by `config` (opaque bytes chosen by the user; may be
   * empty, data NULL when config_size is 0, not NUL-terminated, valid only during the call).
   * On OK, *instance holds the new instance (non-NULL). On error, *instance is ignored and
   * the plugin describes the problem through `error` (e.g. an invalid regular expression).
   * `context` identifies the instance in log lines and stays valid until destroy returns.
   * Required. The host serializes create and destroy calls of one library; they may run
   * concurrently with index/transform calls on other instances. */
  kube_plugin_status (*create)(const kube_host_api* host, kube_host_context* context,
                               const char* config, size_t config_size,
                               kube_plugin_instance** instance, kube_host_error* error);

  /* destroy: frees an instance. Called exactly once per instance created, after every call on
   * it has returned. Required. Serialized with create (see create). */
  void (*destroy)(kube_plugin_instance* instance);

  /* index: emits zero or more index values for `object` through
   * host->index_sink_emit(sink, ...). Must not keep `object` or any string read from it after
   * returning. Required when kind is KUBE_PLUGIN_KIND_INDEX, ignored otherwise.
   * Threads: concurrent on one instance only with KUBE_PLUGIN_FLAG_CONCURRENT_CALLS. */
  kube_plugin_status (*index)(kube_plugin_instance* instance, const kube_host_object* object,
                              kube_host_index_sink* sink, kube_host_error* error);

  /* transform: edits the object through the editor callbacks; `object` reads the same object,
   * edits included. Must be idempotent (the host may run it on an object it already
   * transformed, e.g. a deletion tombstone). On error the host discards the object's edits.
   * Required when kind is KUBE_PLUGIN_KIND_TRANSFORM, ignored otherwise.
   * Threads: concurrent on one instance only with KUBE_PLUGIN_FLAG_CONCURRENT_CALLS. */
  kube_plugin_status (*transform)(kube_plugin_instance* instance, const kube_host_object* object,
                                  kube_host_editor* editor, kube_host_error* error);
} kube_plugin_api;

#define KUBE_PLUGIN_API_SIZE_1_0 KUBE_PLUGIN_END_OF(kube_plugin_api, transform)

/* ------------------------------------------------------------------------------------------ */
/* The entry point.                                                                           */

/* kube_plugin_entry: returns the plugin's function table, or NULL to refuse the host (for
 * example a host whose abi_major the plugin does not speak). `host` stays valid until the
 * library is closed. Must be cheap, side-effect free and callable more than once (two
 * loaders in one process may each call it). Called before any other function of the plugin. */
typedef const kube_plugin_api* (*kube_plugin_entry_fn)(const kube_host_api* host);

/* KUBE_PLUGIN_EXPORT marks the entry definition as exported from a -fvisibility=hidden build:
 *   KUBE_PLUGIN_EXPORT const kube_plugin_api* kube_plugin_entry(const kube_host_api* host) {..}
 */
#if defined(__GNUC__) || defined(__clang__)
#define KUBE_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define KUBE_PLUGIN_EXPORT
#endif

KUBE_PLUGIN_EXPORT const kube_plugin_api* kube_plugin_entry(const kube_host_api* host);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KUBECPP_PLUGINS_ABI_KUBE_PLUGIN_H_ */
