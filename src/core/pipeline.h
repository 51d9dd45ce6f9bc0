// The one ordered run-ahead loop: jobs run on a pool a few ahead of the calling thread, and
// their results are taken on the calling thread in the order the jobs were pushed. Every
// parallel stage uses it: members and pieces of an NPZ being written, the pieces of a member
// being read, HDF5 chunks both ways, and batched reads.
#pragma once

#include <cstdint>
#include <deque>
#include <future>
#include <utility>

#include "core/thread_pool.h"

namespace chainerser::core {

struct PipelineLimits {
    size_t max_jobs = 0;        // jobs in flight (started, result not yet taken); 0: twice the workers
    uint64_t max_bytes = 0;     // what their costs may add up to before push() waits; 0: no limit
};

// Result: what a job returns. Take: void(Result &&), called on the pushing thread, in order.
template <class Result, class Take>
class Pipeline {
public:
    // `pool` null: each job runs at its push, on the calling thread, and its result is taken then.
    Pipeline(ThreadPool *pool, Take take, PipelineLimits limits = {})
        : pool_(pool), take_(std::move(take)), limits_(limits) {
        if (pool_ && limits_.max_jobs == 0) limits_.max_jobs = 2 * size_t(pool_->size());
    }
    // Waits for the jobs in flight (they may use the caller's buffers) without taking them.
    ~Pipeline() { abandon(); }
    Pipeline(const Pipeline &) = delete;
    Pipeline &operator=(const Pipeline &) = delete;

    // Starts `job`, which costs `bytes` while in flight; first takes results from the front for as
    // long as the limits would be exceeded, then (with take_ready) those already done.
    template <class Job>
    void push(Job job, uint64_t bytes = 0, bool take_ready = false) {
        if (!pool_) {
            take_(job());
            return;
        }
        while (!ahead_.empty() &&
               (ahead_.size() >= limits_.max_jobs || (limits_.max_bytes && bytes_ + bytes > limits_.max_bytes)))
            take_front();
        ahead_.push_back({pool_->submit(std::move(job)), bytes});
        bytes_ += bytes;
        if (take_ready)
            while (!ahead_.empty() &&
                   ahead_.front().result.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
                take_front();
    }

    // Takes every result still in flight, in order.
    void finish() {
        while (!ahead_.empty()) take_front();
    }

    void abandon() noexcept {
        for (InFlight &f : ahead_)
            if (f.result.valid()) f.result.wait();
        ahead_.clear();
        bytes_ = 0;
    }

private:
    struct InFlight {
        std::future<Result> result;
        uint64_t bytes;
    };

    void take_front() {
        InFlight f = std::move(ahead_.front());
        ahead_.pop_front();
        bytes_ -= f.bytes;
        take_(f.result.get());
    }

    ThreadPool *pool_;
    Take take_;
    PipelineLimits limits_;
    std::deque<InFlight> ahead_;
    uint64_t bytes_ = 0;
};

// job(0) ... job(n - 1) through a Pipeline, each result handed to take(i, result) in order. Once
// take returns false, no further job starts.
template <class Job, class Take>
void run_in_order(ThreadPool *pool, size_t n, Job job, Take take) {
    using Result = decltype(job(size_t(0)));
    size_t taken = 0;
    bool more = true;
    auto take_next = [&](Result &&r) { more = take(taken++, std::move(r)) && more; };
    Pipeline<Result, decltype(take_next)> pipeline(pool, take_next);
    for (size_t i = 0; i < n && more; ++i) pipeline.push([&job, i] { return job(i); });
    pipeline.finish();
}

}  // namespace chainerser::core
