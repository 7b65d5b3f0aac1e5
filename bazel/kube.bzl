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

def kube_cc_plugin(name, srcs = [], deps = [], copts = [], entry_symbol = "kube_plugin_entry", **kwargs):
    """A plugin shared object `lib<name>.so` loaded with dlopen.

    Symbols are hidden by default; only the ABI entry function is exported, and the version
    script keeps everything else (including static libraries linked in) local.
    """
    version_script = name + "_exports.lds"
    native.genrule(
        name = name + "_exports",
        outs = [version_script],
        cmd = "echo '{ global: %s; local: *; };' > $@" % entry_symbol,
    )
    native.cc_binary(
        name = "lib%s.so" % name,
        srcs = srcs,
        deps = deps + [":" + version_script],
        copts = KUBE_COPTS + copts + ["-fvisibility=hidden", "-fvisibility-inlines-hidden"],
        linkshared = True,
        linkopts = ["-Wl,--version-script=$(location :%s)" % version_script],
        **kwargs
    )

def kube_proto_library(name, srcs, deps = [], visibility = None):
    """Compiles .proto files with the system protoc into a cc_library named `name`.

    Imports are resolved against the workspace root, so a file imports another as
    "client/api/meta/v1/generated.proto".
    """
    hdrs = [s[:-len(".proto")] + ".pb.h" for s in srcs]
    cc = [s[:-len(".proto")] + ".pb.cc" for s in srcs]
    proto_deps = [d + "_protos" for d in deps]
    native.filegroup(name = name + "_protos", srcs = srcs + proto_deps, visibility = visibility)
    native.genrule(
        name = name + "_protoc",
        srcs = srcs + proto_deps,
        outs = hdrs + cc,
        cmd = "protoc -I. -I$(GENDIR) --cpp_out=$(GENDIR) " + " ".join(["$(location %s)" % s for s in srcs]),
    )
    native.cc_library(
        name = name,
        srcs = cc,
        hdrs = hdrs,
        deps = deps + ["//third_party:protobuf"],
        visibility = visibility,
    )
