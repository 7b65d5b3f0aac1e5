"""Wraps Debian's system libraries as cc_library targets.

Each library lists the pkg-config modules it stands for; the repository rule asks pkg-config for
their link flags (and any defines) when the workspace is loaded, so nobody types the dozens of
-labsl_* flags by hand and an upgrade of the Debian package needs no edit here. Headers live in
/usr/include, which the compiler searches already.
"""

# name -> (pkg-config modules, extra linkopts when a library has no pkg-config file)
_LIBRARIES = {
    "absl": ([
        "absl_base",
        "absl_cord",
        "absl_flat_hash_map",
        "absl_flat_hash_set",
        "absl_node_hash_map",
        "absl_hash",
        "absl_random_random",
        "absl_status",
        "absl_statusor",
        "absl_str_format",
        "absl_strings",
        "absl_synchronization",
        "absl_time",
        "absl_span",
        "absl_optional",
        "absl_variant",
        "absl_function_ref",
        "absl_cleanup",
        "absl_inlined_vector",
        "absl_bind_front",
    ], []),
    "protobuf": (["protobuf"], []),
    "openssl": (["openssl"], []),
    "zlib": (["zlib"], []),
    "re2": (["re2"], []),
    "yaml_cpp": (["yaml-cpp"], []),
    "gtest": (["gtest"], []),
    "gmock": (["gmock"], []),
    "gtest_main": (["gtest_main"], []),
    "benchmark": (["benchmark"], []),
    "benchmark_main": ([], ["-lbenchmark_main", "-lbenchmark", "-pthread"]),
    # Boost ships no pkg-config files; Beast and Asio are header-only.
    "boost_asio": ([], ["-pthread"]),
    "boost_json": ([], ["-lboost_json"]),
}

def _pkg_config(ctx, flag, modules):
    result = ctx.execute(["pkg-config", flag] + modules)
    if result.return_code != 0:
        fail("pkg-config %s %s failed (run ./dev setup): %s" % (flag, " ".join(modules), result.stderr))
    return [f for f in result.stdout.strip().split(" ") if f]

def _system_libs_impl(ctx):
    build = ['package(default_visibility = ["//visibility:public"])', ""]
    for name, (modules, extra) in _LIBRARIES.items():
        linkopts = []
        defines = []
        if modules:
            linkopts = _pkg_config(ctx, "--libs", modules)
            for flag in _pkg_config(ctx, "--cflags", modules):
                if flag.startswith("-D"):
                    defines.append(flag[2:])
        linkopts = linkopts + extra
        build.append("cc_library(name = %r, linkopts = %r, defines = %r)\n" % (name, linkopts, defines))
    ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % ctx.name)
    ctx.file("BUILD.bazel", "\n".join(build))

system_libs_repository = repository_rule(
    implementation = _system_libs_impl,
    local = True,
    environ = ["PKG_CONFIG_PATH"],
)
