#include "indexers/indexer.h"

namespace kube::indexers {

absl::string_view DeltaTypeName(DeltaType type) {
  switch (type) {
    case DeltaType::kAdded:
      return "Added";
    case DeltaType::kUpdated:
      return "Updated";
    case DeltaType::kDeleted:
      return "Deleted";
  }
  return "Unknown";
}

}  // namespace kube::indexers
