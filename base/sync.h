// kube::MutexLock and friends — locking an absl::Mutex so that ThreadSanitizer can see it.
//
// Why this exists: the project links Debian's Abseil, which is compiled without ThreadSanitizer.
// Its absl::Mutex synchronizes through atomics inside libabsl that TSAN never observes, so under
// `--config=tsan` every access guarded by a plain absl::MutexLock is reported as a data race.
// These helpers call the real absl::Mutex and, in TSAN builds only, wrap each operation in the
// `__tsan_mutex_*` annotations Abseil itself uses when it is built with TSAN. In every other
// build they are exactly the absl calls.
//
// Rule for project code: every absl::Mutex is locked, unlocked and awaited through this header,
// never through absl::MutexLock / mu.Lock() / mu.Await() directly. Mixing the two on one mutex
// hides that mutex's happens-before edges from TSAN (false race reports, never real misbehaviour).
//
// Conditions (absl::Condition) are supported: Abseil evaluates a waiter's condition inside some
// other thread's Unlock, and the annotations mark that span as part of the mutex operation, so
// condition reads are not reported.
//
// Thread-safety: as absl::Mutex. These are free functions and scoped guards with no state.
#ifndef KUBECPP_BASE_SYNC_H_
#define KUBECPP_BASE_SYNC_H_

#include "absl/base/config.h"
#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

#ifdef ABSL_HAVE_THREAD_SANITIZER
#include <sanitizer/tsan_interface.h>
#endif

namespace kube {
namespace sync_internal {

#ifdef ABSL_HAVE_THREAD_SANITIZER
inline void PreLock(absl::Mutex* mu, unsigned flags) { __tsan_mutex_pre_lock(mu, flags); }
inline void PostLock(absl::Mutex* mu, unsigned flags) { __tsan_mutex_post_lock(mu, flags, 0); }
inline void PreUnlock(absl::Mutex* mu, unsigned flags) { __tsan_mutex_pre_unlock(mu, flags); }
inline void PostUnlock(absl::Mutex* mu, unsigned flags) { __tsan_mutex_post_unlock(mu, flags); }
inline constexpr unsigned kReadLock = __tsan_mutex_read_lock;
#else
inline void PreLock(absl::Mutex*, unsigned) {}
inline void PostLock(absl::Mutex*, unsigned) {}
inline void PreUnlock(absl::Mutex*, unsigned) {}
inline void PostUnlock(absl::Mutex*, unsigned) {}
inline constexpr unsigned kReadLock = 0;
#endif

}  // namespace sync_internal

// LockMutex acquires `mu` exclusively. Prefer MutexLock; this is for hand-over-hand code.
inline void LockMutex(absl::Mutex& mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) {
  sync_internal::PreLock(&mu, 0);
  mu.Lock();
  sync_internal::PostLock(&mu, 0);
}

// UnlockMutex releases `mu`, which the caller holds exclusively.
inline void UnlockMutex(absl::Mutex& mu) ABSL_UNLOCK_FUNCTION(mu) {
  sync_internal::PreUnlock(&mu, 0);
  mu.Unlock();
  sync_internal::PostUnlock(&mu, 0);
}

// AwaitCondition blocks until `cond` holds. `mu` is held exclusively on entry and on return,
// and released while waiting (absl::Mutex::Await).
inline void AwaitCondition(absl::Mutex& mu, const absl::Condition& cond)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  // To TSAN the wait is an unlock followed by a lock; Abseil re-acquires inside Await, so the
  // whole call sits in the lock's annotated span.
  sync_internal::PreUnlock(&mu, 0);
  sync_internal::PostUnlock(&mu, 0);
  sync_internal::PreLock(&mu, 0);
  mu.Await(cond);
  sync_internal::PostLock(&mu, 0);
}

// AwaitConditionWithDeadline blocks until `cond` holds or the real time reaches `deadline`.
// Returns whether `cond` holds on return. `mu` is held on entry and on return.
inline bool AwaitConditionWithDeadline(absl::Mutex& mu, const absl::Condition& cond,
                                       absl::Time deadline) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  sync_internal::PreUnlock(&mu, 0);
  sync_internal::PostUnlock(&mu, 0);
  sync_internal::PreLock(&mu, 0);
  const bool result = mu.AwaitWithDeadline(cond, deadline);
  sync_internal::PostLock(&mu, 0);
  return result;
}

// MutexLock holds `mu` exclusively for its scope, like absl::MutexLock.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(absl::Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(*mu) {
    LockMutex(mu_);
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { UnlockMutex(mu_); }

 private:
  absl::Mutex& mu_;
};

// ReaderMutexLock holds `mu` shared for its scope, like absl::ReaderMutexLock.
class ABSL_SCOPED_LOCKABLE ReaderMutexLock {
 public:
  explicit ReaderMutexLock(absl::Mutex* mu) ABSL_SHARED_LOCK_FUNCTION(mu) : mu_(*mu) {
    sync_internal::PreLock(&mu_, sync_internal::kReadLock);
    mu_.ReaderLock();
    sync_internal::PostLock(&mu_, sync_internal::kReadLock);
  }
  ReaderMutexLock(const ReaderMutexLock&) = delete;
  ReaderMutexLock& operator=(const ReaderMutexLock&) = delete;
  ~ReaderMutexLock() ABSL_UNLOCK_FUNCTION() {
    sync_internal::PreUnlock(&mu_, sync_internal::kReadLock);
    mu_.ReaderUnlock();
    sync_internal::PostUnlock(&mu_, sync_internal::kReadLock);
  }

 private:
  absl::Mutex& mu_;
};

}  // namespace kube

#endif  // KUBECPP_BASE_SYNC_H_
