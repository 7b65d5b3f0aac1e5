"""kubecpp's build macros: every C++ target in the project goes through one of these.

Warnings, C++ standard and sanitizer-friendly flags change here and nowhere else.
"""

# Warnings are errors for project code only; system headers are exempt by the compiler.
KUBE_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wno-unused-parameter",
    "-Wno-missing-field-initializers",
]

def kube_cc_library(name, copts = [], **kwargs):
    """A project library. Visibility defaults to the package (STYLE.md point 3)."""
    native.cc_library(name = name, copts = KUBE_COPTS + copts, **kwargs)

def kube_cc_binary(name, copts = [], **kwargs):
    native.cc_binary(name = name, copts = KUBE_COPTS + copts, **kwargs)

def kube_cc_test(name, copts = [], deps = [], main = True, tags = [], **kwargs):
    """A GoogleTest test; links gtest_main unless main = False."""
    extra = ["//third_party:gtest", "//third_party:gmock"]
    if main:
        extra.append("//third_party:gtest_main")
    native.cc_test(
        name = name,
        copts = KUBE_COPTS + copts,
        deps = deps + extra,
        tags = tags,
        **kwargs
    )

def kube_apiserver_test(name, tags = [], **kwargs):
    """A test that talks to the real testenv control plane (./dev test starts it).

    It reads the control plane's location from KUBECPP_TESTENV_DIR (passed through by .bazelrc)
    and fails, saying how to start one, when that is unset. Tagged so it can be selected alone.
    """
    kube_cc_test(
        name = name,
        tags = tags + ["apiserver", "no-remote", "requires-network"],
        **kwargs
    )

def kube_cc_benchmark(name, copts = [], deps = [], **kwargs):
    """A Google Benchmark binary (run by hand or by tools/bench, never as a timed test)."""
    native.cc_binary(
        name = name,
        copts = KUBE_COPTS + copts,
        deps = deps + ["//third_party:benchmark", "//third_party:benchmark_main"],
        **kwargs
    )

def kube_cc_fuzzer(name, srcs, deps = [], copts = [], size = "small", **kwargs):
    """A libFuzzer target (LLVMFuzzerTestOneInput) and the test that replays its corpus.

    Targets (docs/fuzzing.md):
      - `name`: the fuzzer binary, tagged "fuzzer" so `./dev fuzz` finds it. Under
        `--config=fuzz` (clang, sanitizers) it links libFuzzer's main; otherwise
        //base/fuzzing:corpus_main, which runs the inputs named on its command line once each.
      - `name_corpus_test`: runs every file of `fuzz/corpus/<name>/` (checked in, in this
        package) through the target: seeds and every crash input ever found stay regression
        cases in the ordinary `bazel test //...`.
    A dictionary for libFuzzer may sit beside the corpus as `fuzz/<name>.dict`.
    """
    corpus_dir = "fuzz/corpus/" + name
    corpus = native.glob([corpus_dir + "/**"])
    if not corpus:
        fail("kube_cc_fuzzer %s: no seed corpus in %s/%s" % (name, native.package_name(), corpus_dir))
    native.cc_binary(
        name = name,
        srcs = srcs,
        copts = KUBE_COPTS + copts,
        deps = deps + ["//base/fuzzing:fuzz_check"] + select({
            "//bazel:fuzzing": [],
            "//conditions:default": ["//base/fuzzing:corpus_main"],
        }),
        linkopts = select({
            "//bazel:fuzzing": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        testonly = True,
        tags = ["fuzzer"],
        **kwargs
    )
    native.cc_test(
        name = name + "_corpus_test",
        size = size,
        srcs = srcs,
        copts = KUBE_COPTS + copts,
        deps = deps + ["//base/fuzzing:fuzz_check", "//base/fuzzing:corpus_main"],
        data = corpus,
        args = [native.package_name() + "/" + corpus_dir],
        **kwargs
    )

def kube_cc_plugin(
        name,
        srcs = [],
        deps = [],
        copts = [],
        linkopts = [],
        entry_symbol = "kube_plugin_entry",
        visibility = None,
        testonly = False,
        tags = [],
        **kwargs):
    """A plugin shared object `lib<name>.so`, loaded by //plugins/host with dlopen.

    The plugin boundary is the C ABI of //plugins/abi (docs/plugins.md); this macro makes the
    binary honour it:
      - `-fvisibility=hidden` compiles every symbol of `srcs` hidden, and a version script keeps
        everything except `entry_symbol` local, including code from static libraries linked in,
        so two plugins (or a plugin and the host) never interpose each other's symbols;
      - `-z defs` refuses undefined symbols at link time: a plugin reaches the host only through
        the callback table it is handed, never by binding to host symbols at load time. Shared
        system libraries (libstdc++, libre2, ...) are fine: they are named as dependencies;
      - the link uses GNU ld (see the linkopts for why not gold).

    Targets: `lib<name>.so` (the cc_binary) and `<name>` (a filegroup with just the .so, for
    `data` attributes). Works for C and C++ sources. `entry_symbol` is overridable only so tests
    can build a plugin that lacks the real entry point.
    """
    version_script = name + "_exports.lds"
    native.genrule(
        name = name + "_exports",
        outs = [version_script],
        cmd = "echo '{ global: %s; local: *; };' > $@" % entry_symbol,
        testonly = testonly,
        visibility = ["//visibility:private"],
    )
    native.cc_binary(
        name = "lib%s.so" % name,
        srcs = srcs,
        deps = deps + [":" + version_script],
        copts = KUBE_COPTS + copts + ["-fvisibility=hidden"],
        linkshared = True,
        linkopts = linkopts + [
            "-Wl,--version-script=$(location :%s)" % version_script,
            "-Wl,-z,defs",
            # GNU ld, not the toolchain's default gold: gold keeps a symbol in .dynsym when a
            # shared library the plugin links (libre2, ...) references it, even though the
            # version script says `local: *` (e.g. inline std::string members instantiated in
            # the plugin). //plugins/examples:exported_symbols_test catches a regression.
            "-fuse-ld=bfd",
        ],
        visibility = visibility,
        testonly = testonly,
        tags = tags,
        **kwargs
    )
    native.filegroup(
        name = name,
        srcs = [":lib%s.so" % name],
        visibility = visibility,
        testonly = testonly,
        tags = tags,
    )

def _proto_files_label(dep):
    """The filegroup of .proto files that kube_proto_library(dep) exports, for any spelling of dep."""
    if ":" in dep:
        return dep + "_protos"
    if dep.startswith("//"):
        return "%s:%s_protos" % (dep, dep.split("/")[-1])
    return ":" + dep + "_protos"

def kube_proto_library(name, srcs, deps = [], visibility = None, testonly = False):
    """Compiles .proto files with the system protoc into a cc_library named `name`.

    Imports are resolved against the workspace root, so a file imports another as
    "client/api/meta/v1/meta.proto". `deps` are other kube_proto_library targets; their .proto
    files (transitively) are inputs of this protoc run, which is all an import needs. Imports of
    "google/protobuf/*.proto" come from the system protobuf installation, which protoc finds by
    itself. Generated code is compiled without the project's -Werror warnings: it is not ours.
    """
    hdrs = [s[:-len(".proto")] + ".pb.h" for s in srcs]
    cc = [s[:-len(".proto")] + ".pb.cc" for s in srcs]
    proto_deps = [_proto_files_label(d) for d in deps]

    # The transitive .proto files, so a dependent library's protoc run sees every import.
    native.filegroup(
        name = name + "_protos",
        srcs = srcs + proto_deps,
        visibility = visibility,
        testonly = testonly,
    )
    native.genrule(
        name = name + "_protoc",
        srcs = srcs + proto_deps,
        outs = hdrs + cc,
        cmd = "protoc --proto_path=. --cpp_out=$(GENDIR) " +
              " ".join(["$(location %s)" % s for s in srcs]),
        testonly = testonly,
    )
    native.cc_library(
        name = name,
        srcs = cc,
        hdrs = hdrs,
        # Under --config=fuzz the generated code is built plain (no sanitizers, no coverage, -O0):
        # it is not what the fuzzers test, and instrumented it made the codec fuzzers about ten
        # times slower per input (1.7k against 16k runs in 10 s) for coverage of accessors.
        copts = select({
            "//bazel:fuzzing": ["-fno-sanitize=all", "-O0"],
            "//conditions:default": [],
        }),
        deps = deps + ["//third_party:protobuf"],
        visibility = visibility,
        testonly = testonly,
    )
