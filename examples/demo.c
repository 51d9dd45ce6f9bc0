/* The main job in one program: write a Chainer-layout MLP checkpoint through the C API, read it
 * back, and print what the file holds. Usage: chainerser_demo [FILE.npz] */
#include <chainerser/chainerser.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(call)                                                              \
    do {                                                                         \
        int rc_ = (call);                                                        \
        if (rc_ != SER_OK) {                                                     \
            fprintf(stderr, "demo: %s (%s)\n", ser_errmsg(), ser_strerror(rc_)); \
            return 1;                                                            \
        }                                                                        \
    } while (0)

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "demo_mlp.npz";
    float w1[8 * 4], b1[8], w2[3 * 8], b2[3];
    int64_t w1_shape[2] = {8, 4}, b1_shape[1] = {8}, w2_shape[2] = {3, 8}, b2_shape[1] = {3};
    size_t i;
    for (i = 0; i < 32; ++i) w1[i] = (float)i * 0.25f - 4.0f;
    for (i = 0; i < 8; ++i) b1[i] = (float)i;
    for (i = 0; i < 24; ++i) w2[i] = 1.0f / (float)(i + 1);
    for (i = 0; i < 3; ++i) b2[i] = -(float)i;

    /* save_npz(path, model): predictor/l1/W, predictor/l1/b, ... */
    ser_handle *file, *predictor, *l1, *l2;
    CHECK(ser_npz_open(&file, path, SER_WRITE, NULL));
    CHECK(ser_child(&predictor, file, "predictor"));
    CHECK(ser_child(&l1, predictor, "l1"));
    CHECK(ser_child(&l2, predictor, "l2"));
    CHECK(ser_put_array(l1, "W", SER_FLOAT32, 2, w1_shape, w1, sizeof w1));
    CHECK(ser_put_array(l1, "b", SER_FLOAT32, 1, b1_shape, b1, sizeof b1));
    CHECK(ser_put_array(l2, "W", SER_FLOAT32, 2, w2_shape, w2, sizeof w2));
    CHECK(ser_put_array(l2, "b", SER_FLOAT32, 1, b2_shape, b2, sizeof b2));
    CHECK(ser_put_none(predictor, "lazy/W"));
    CHECK(ser_put_int64(file, "updater/iteration", 1000));
    CHECK(ser_put_string(file, "extensions/LogReport/_log", "[{\"main/loss\": 0.25}]"));
    ser_close(l2);
    ser_close(l1);
    ser_close(predictor);
    CHECK(ser_close(file));

    /* load_npz(path, model) */
    ser_handle *in;
    size_t n, k;
    float w1_back[8 * 4];
    int64_t iteration = 0;
    int32_t outcome;
    CHECK(ser_npz_open(&in, path, SER_READ, NULL));
    CHECK(ser_get_array(&outcome, in, "predictor/l1/W", SER_FLOAT32, 2, w1_shape, w1_back, sizeof w1_back));
    CHECK(ser_get_int64(&iteration, NULL, in, "updater/iteration"));
    if (memcmp(w1, w1_back, sizeof w1) != 0 || iteration != 1000) {
        fprintf(stderr, "demo: read-back differs from what was written\n");
        return 1;
    }
    CHECK(ser_key_count(&n, in));
    printf("%s (libchainerser %s): %zu entries\n", path, ser_version_string(), n);
    for (k = 0; k < n; ++k) {
        const char *key;
        ser_array_info info;
        char descr[32];
        int32_t d;
        CHECK(ser_key_at(&key, in, k));
        CHECK(ser_get_info(&info, in, key));
        CHECK(ser_descr(descr, sizeof descr, &info));
        printf("  %-28s %-6s (", key, info.dtype == SER_NONE ? "None" : descr);
        for (d = 0; d < info.ndim; ++d) printf(d ? ", %lld" : "%lld", (long long)info.shape[d]);
        printf(info.ndim == 1 ? ",)\n" : ")\n");
    }
    CHECK(ser_close(in));
    printf("round trip OK: predictor/l1/W and updater/iteration read back exactly\n");
    return 0;
}
