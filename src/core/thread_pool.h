// A small fixed pool of worker threads for independent jobs (compressing members, chunks), and
// the per-handle owner of one (Workers). Ordered run-ahead loops over a pool are in pipeline.h.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace chainerser::core {

class ThreadPool {
public:
    explicit ThreadPool(unsigned threads);
    ~ThreadPool();  // finishes queued jobs, then joins
    ThreadPool(const ThreadPool &) = delete;
    ThreadPool &operator=(const ThreadPool &) = delete;

    unsigned size() const { return unsigned(workers_.size()); }

    // True on one of this pool's worker threads.
    bool on_worker() const;

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

// The workers of one root handle (a file being written or read, with all its children): one
// pool of ser_options.threads threads, made on first use and shared by every parallel stage
// (members, pieces, chunks, batched reads). Work that a worker starts itself runs on that worker,
// so stages never nest beyond the configured number of threads.
class Workers {
public:
    explicit Workers(int threads) : threads_(resolve_threads(threads)) {}
    Workers(const Workers &) = delete;
    Workers &operator=(const Workers &) = delete;

    unsigned count() const { return threads_; }

    // The pool for work started on the calling thread; null (work on the calling thread) with
    // one thread configured, or when the caller is one of the pool's own workers.
    ThreadPool *pool();

private:
    const unsigned threads_;
    std::mutex mutex_;
    std::unique_ptr<ThreadPool> pool_;
};

}  // namespace chainerser::core
