// main() for fuzz targets built without libFuzzer: every argument is a corpus file or directory
// (read recursively, in sorted order); each file goes through LLVMFuzzerTestOneInput once. A
// crash or a violated FuzzCheck aborts; a missing path or an empty corpus fails, so a replay test
// cannot pass by running nothing.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

bool ReadFile(const fs::path& path, std::string* contents) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  contents->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

// Inputs lists the regular files at `path` (itself, or below it when it is a directory).
bool Inputs(const fs::path& path, std::vector<fs::path>* files) {
  std::error_code error;
  if (fs::is_regular_file(path, error)) {
    files->push_back(path);
    return true;
  }
  if (!fs::is_directory(path, error)) return false;
  std::vector<fs::path> found;
  for (fs::recursive_directory_iterator it(path, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file(error)) found.push_back(it->path());
  }
  if (error) return false;
  std::sort(found.begin(), found.end());
  files->insert(files->end(), found.begin(), found.end());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    if (!Inputs(argv[i], &files)) {
      std::fprintf(stderr, "corpus_main: cannot read corpus path %s\n", argv[i]);
      return 2;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "corpus_main: no inputs (usage: %s CORPUS_DIR_OR_FILE...)\n", argv[0]);
    return 2;
  }
  std::string contents;
  for (const fs::path& file : files) {
    if (!ReadFile(file, &contents)) {
      std::fprintf(stderr, "corpus_main: cannot read %s\n", file.c_str());
      return 2;
    }
    // Print before running, so a crash names the input that caused it.
    std::fprintf(stderr, "corpus_main: %s (%zu bytes)\n", file.c_str(), contents.size());
    // A copy in its own allocation, so ASan sees reads past the end as libFuzzer would.
    std::vector<uint8_t> data(contents.begin(), contents.end());
    LLVMFuzzerTestOneInput(data.data(), data.size());
  }
  std::fprintf(stderr, "corpus_main: ran %zu inputs\n", files.size());
  return 0;
}
