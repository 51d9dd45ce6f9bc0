#include "core/thread_pool.h"

namespace chainerser::core {
namespace {
thread_local const ThreadPool *t_worker_of = nullptr;  // the pool whose worker this thread is
}  // namespace

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
    t_worker_of = this;
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

bool ThreadPool::on_worker() const { return t_worker_of == this; }

ThreadPool *Workers::pool() {
    if (threads_ <= 1) return nullptr;
    std::lock_guard<std::mutex> lock(mutex_);
    if (pool_ && pool_->on_worker()) return nullptr;
    if (!pool_) pool_ = std::make_unique<ThreadPool>(threads_);
    return pool_.get();
}

}  // namespace chainerser::core
