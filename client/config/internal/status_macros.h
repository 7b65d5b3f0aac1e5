// Early-return helpers for client/config's .cc files. Internal: not part of any public header.
#ifndef KUBECPP_CLIENT_CONFIG_INTERNAL_STATUS_MACROS_H_
#define KUBECPP_CLIENT_CONFIG_INTERNAL_STATUS_MACROS_H_

#include "absl/status/status.h"

#define KUBE_CONFIG_CONCAT_INNER_(a, b) a##b
#define KUBE_CONFIG_CONCAT_(a, b) KUBE_CONFIG_CONCAT_INNER_(a, b)

// KUBE_CONFIG_RETURN_IF_ERROR(expr) returns the absl::Status `expr` from the enclosing function
// when it is not OK.
#define KUBE_CONFIG_RETURN_IF_ERROR(expr)                                       \
  do {                                                                          \
    if (::absl::Status kube_config_status_ = (expr); !kube_config_status_.ok()) \
      return kube_config_status_;                                               \
  } while (false)

// KUBE_CONFIG_ASSIGN_OR_RETURN(lhs, expr) evaluates the absl::StatusOr `expr`, returns its status
// when not OK, and otherwise moves the value into `lhs` (which may be a declaration).
#define KUBE_CONFIG_ASSIGN_OR_RETURN(lhs, expr) \
  KUBE_CONFIG_ASSIGN_OR_RETURN_IMPL_(KUBE_CONFIG_CONCAT_(kube_config_or_, __LINE__), lhs, expr)
#define KUBE_CONFIG_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                       \
  if (!tmp.ok()) return std::move(tmp).status();           \
  lhs = std::move(tmp).value()

#endif  // KUBECPP_CLIENT_CONFIG_INTERNAL_STATUS_MACROS_H_
