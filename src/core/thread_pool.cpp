#include "core/thread_pool.h"

namespace chainerser {

ThreadPool::ThreadPool(unsigned threads) {
    if (threads == 0) threads = 1;
    workers_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread &t : workers_) t.join();
}

void ThreadPool::work() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        job();
    }
}

unsigned resolve_threads(int requested) {
    if (requested > 0) return unsigned(requested);
    unsigned n = std::thread::hardware_concurrency();
    return n ? n : 1;
}

ThreadPool *pool_for(std::unique_ptr<ThreadPool> &pool, int threads) {
    const unsigned n = resolve_threads(threads);
    if (n <= 1) return nullptr;
    if (!pool) pool = std::make_unique<ThreadPool>(n);
    return pool.get();
}

}  // namespace chainerser
