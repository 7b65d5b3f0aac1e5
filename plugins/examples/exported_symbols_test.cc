// Every example plugin exports exactly one dynamic symbol, kube_plugin_entry: what
// `nm -D --defined-only libX.so` shows, read from the ELF .dynsym table directly.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plugins/host/testing/elf_symbols.h"
#include "plugins/host/testing/runfiles.h"

namespace kube::plugins {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Exports(const std::string& workspace_relative) {
  absl::StatusOr<std::vector<std::string>> symbols =
      testing::ExportedSymbols(testing::RunfilePath(workspace_relative));
  EXPECT_TRUE(symbols.ok()) << symbols.status();
  return symbols.ok() ? *symbols : std::vector<std::string>{"<unreadable>"};
}

TEST(ExportedSymbolsTest, ExamplesExportOnlyTheEntryPoint) {
  for (const char* name : {"pods_by_node", "by_owner_kind", "label_pattern", "strip_metadata"}) {
    EXPECT_THAT(Exports(std::string("plugins/examples/lib") + name + ".so"),
                ElementsAre("kube_plugin_entry"))
        << name;
  }
}

// The reader sees exports other than the entry point when there are some (so the test above
// cannot pass by reading nothing), and ignores imported symbols.
TEST(ExportedSymbolsTest, ReaderSeesOtherExports) {
  EXPECT_THAT(Exports("plugins/host/testdata/libno_entry.so"), ElementsAre("some_other_function"));
}

TEST(ExportedSymbolsTest, ReaderRefusesNonElfFiles) {
  EXPECT_FALSE(testing::ExportedSymbols("/nonexistent").ok());
  EXPECT_FALSE(
      testing::ExportedSymbols(testing::RunfilePath("plugins/host/testdata/libnot_elf.so")).ok());
}

}  // namespace
}  // namespace kube::plugins
