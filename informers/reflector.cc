#include "informers/reflector.h"

namespace kube::informers {

absl::string_view ReflectorStateName(ReflectorState state) {
  switch (state) {
    case ReflectorState::kStart:
      return "Start";
    case ReflectorState::kWatchList:
      return "WatchList";
    case ReflectorState::kList:
      return "List";
    case ReflectorState::kWatchStart:
      return "WatchStart";
    case ReflectorState::kWatching:
      return "Watching";
    case ReflectorState::kBackoff:
      return "Backoff";
    case ReflectorState::kStopped:
      return "Stopped";
  }
  return "Unknown";
}

}  // namespace kube::informers
