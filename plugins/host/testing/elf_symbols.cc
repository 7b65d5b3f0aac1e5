#include "plugins/host/testing/elf_symbols.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace kube::plugins::testing {
namespace {

template <typename T>
bool ReadAt(const std::string& file, size_t offset, T* out) {
  if (offset > file.size() || file.size() - offset < sizeof(T)) return false;
  std::memcpy(out, file.data() + offset, sizeof(T));
  return true;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ExportedSymbols(absl::string_view path) {
  std::ifstream in(std::string(path), std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  Elf64_Ehdr header;
  if (!ReadAt(file, 0, &header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
      header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a 64-bit little-endian ELF"));
  }
  if (header.e_shentsize != sizeof(Elf64_Shdr)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": unexpected section header size"));
  }
  auto section = [&](size_t index, Elf64_Shdr* out) {
    return index < header.e_shnum && ReadAt(file, header.e_shoff + index * sizeof(Elf64_Shdr), out);
  };
  for (size_t i = 0; i < header.e_shnum; ++i) {
    Elf64_Shdr dynsym;
    if (!section(i, &dynsym)) return absl::InvalidArgumentError("truncated section headers");
    if (dynsym.sh_type != SHT_DYNSYM) continue;
    Elf64_Shdr strtab;
    if (!section(dynsym.sh_link, &strtab) || strtab.sh_offset + strtab.sh_size > file.size()) {
      return absl::InvalidArgumentError("bad .dynstr");
    }
    std::vector<std::string> names;
    const size_t count = dynsym.sh_entsize == 0 ? 0 : dynsym.sh_size / dynsym.sh_entsize;
    for (size_t s = 0; s < count; ++s) {
      Elf64_Sym sym;
      if (!ReadAt(file, dynsym.sh_offset + s * dynsym.sh_entsize, &sym)) {
        return absl::InvalidArgumentError("truncated .dynsym");
      }
      const unsigned bind = ELF64_ST_BIND(sym.st_info);
      if (sym.st_shndx == SHN_UNDEF || (bind != STB_GLOBAL && bind != STB_WEAK)) continue;
      if (sym.st_name >= strtab.sh_size) return absl::InvalidArgumentError("bad symbol name");
      const char* name = file.data() + strtab.sh_offset + sym.st_name;
      names.emplace_back(name, strnlen(name, strtab.sh_size - sym.st_name));
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  return absl::InvalidArgumentError(absl::StrCat(path, ": no .dynsym section"));
}

}  // namespace kube::plugins::testing
