// A small fixed pool of worker threads for independent jobs (compressing members, chunks).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace chainerser {

class ThreadPool {
public:
    explicit ThreadPool(unsigned threads);
    ~ThreadPool();  // finishes queued jobs, then joins
    ThreadPool(const ThreadPool &) = delete;
    ThreadPool &operator=(const ThreadPool &) = delete;

    unsigned size() const { return unsigned(workers_.size()); }

    // Runs job on a worker; the future carries its result or exception.
    template <class Job>
    auto submit(Job job) -> std::future<decltype(job())> {
        using Result = decltype(job());
        auto task = std::make_shared<std::packaged_task<Result()>>(std::move(job));
        std::future<Result> f = task->get_future();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            queue_.emplace_back([task] { (*task)(); });
        }
        wake_.notify_one();
        return f;
    }

private:
    void work();
    std::vector<std::thread> workers_;
    std::deque<std::function<void()>> queue_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
};

// The number of workers for an options value: 0 means one per core.
unsigned resolve_threads(int requested);

// The workers for `threads` (0: one per core) kept in `pool`, made on first use; null for one
// thread (work on the calling thread). Call under the lock that guards `pool`.
ThreadPool *pool_for(std::unique_ptr<ThreadPool> &pool, int threads);

// Runs job(0) ... job(n - 1), on `pool` a few ahead of the calling thread (on the calling thread
// when `pool` is null), and hands each result to take(i, result) on the calling thread, in order.
// Once take returns false, no further job starts. If a job or take throws, the jobs already
// started are waited for (they may use the caller's buffers) and the exception propagates.
template <class Job, class Take>
void run_in_order(ThreadPool *pool, size_t n, Job job, Take take) {
    if (!pool) {
        for (size_t i = 0; i < n; ++i)
            if (!take(i, job(i))) return;
        return;
    }
    std::deque<std::future<decltype(job(size_t(0)))>> ahead;
    try {
        bool more = true;
        for (size_t next = 0;;) {
            for (; more && next < n && ahead.size() < 2 * size_t(pool->size()); ++next)
                ahead.push_back(pool->submit([&job, next] { return job(next); }));
            if (ahead.empty()) return;
            auto result = ahead.front().get();
            ahead.pop_front();
            more = take(next - ahead.size() - 1, std::move(result)) && more;
        }
    } catch (...) {
        for (auto &f : ahead)
            if (f.valid()) f.wait();
        throw;
    }
}

}  // namespace chainerser
