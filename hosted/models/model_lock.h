// RAII for the pthread mutex each device model guards its registers with.
#pragma once

#include <pthread.h>

namespace hosted {

class ModelLock {
public:
    explicit ModelLock(pthread_mutex_t& mutex) : mutex_(mutex) { pthread_mutex_lock(&mutex_); }
    ~ModelLock() { pthread_mutex_unlock(&mutex_); }
    ModelLock(const ModelLock&) = delete;
    ModelLock& operator=(const ModelLock&) = delete;

private:
    pthread_mutex_t& mutex_;
};

}  // namespace hosted
