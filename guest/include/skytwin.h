/*
 * skytwin.h - the skytwin ABI v1 for C apps (docs/abi.md is the contract).
 *
 * A skytwin app is a wasm32-wasip1 module. This header declares every function of the
 * import module "skytwin_v1", its constants, error codes, event bits and struct layouts,
 * plus a few inline helpers. Build with
 *
 *     python3 -m ziglang cc --target=wasm32-wasi -O2 -s -I guest/include app.c -o app.wasm
 *
 * (add -mexec-model=reactor for a reactor app that exports skytwin_on_event).
 *
 * Conventions (docs/abi.md): pointers are offsets into the app's memory, lengths are
 * unsigned 32-bit, times are int64 ns since 1970-01-01 UTC (POSIX) on the simulated clock,
 * results >= 0 are success and < 0 are ST_E* codes. Structs are little-endian with the
 * offsets asserted below.
 */
#ifndef SKYTWIN_H
#define SKYTWIN_H

#if !defined(__wasm32__)
#error "skytwin.h is for wasm32 apps (e.g. python3 -m ziglang cc --target=wasm32-wasi)"
#endif

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ST_ABI_VERSION 1
#define ST_NS_PER_S INT64_C(1000000000)

/* ---- error codes ---- */
#define ST_EFAULT (-1)      /* a (ptr, len) lies outside the app's memory or overflows */
#define ST_EINVAL (-2)      /* an argument is invalid */
#define ST_ENOSPC (-3)      /* a host queue, quota or buffer is full; nothing was queued */
#define ST_EAGAIN (-4)      /* nothing is available now */
#define ST_E2BIG (-5)       /* the guest buffer is too small; nothing was consumed */
#define ST_EUNAVAIL (-6)    /* the device is unavailable now */
#define ST_ERATE (-7)       /* rate limit reached */
#define ST_ENOTFOUND (-8)   /* unknown id, satellite or app */
#define ST_EWOULDBLOCK (-9) /* a blocking call was made from a reactor's event handler */

/* ---- event bits ---- */
#define ST_EV_COMMAND 1         /* an uplinked command is waiting */
#define ST_EV_ISL 2             /* an inter-satellite message is waiting */
#define ST_EV_CONTACT_START 4   /* a ground contact began */
#define ST_EV_CONTACT_END 8     /* a ground contact ended */
#define ST_EV_SUNLIT 16         /* the satellite left eclipse */
#define ST_EV_ECLIPSE 32        /* the satellite entered eclipse */
#define ST_EV_AOI_ENTER 64      /* the sub-satellite point entered an area of interest */
#define ST_EV_AOI_EXIT 128      /* ... left it */
#define ST_EV_DOWNLINK_DONE 256 /* one of this app's downlink messages was fully delivered */
#define ST_EV_TIMER 512         /* the timer set with st_timer_set expired */
#define ST_EV_RESUMED 1024      /* resumed after the schedule suspended the app */
#define ST_EV_START 2048        /* (reactors) the app has been started */
#define ST_EV_STOP 4096         /* (reactors) the app is about to be stopped */
#define ST_EV_ALL 8191

/* ---- log levels ---- */
#define ST_LOG_TRACE 0
#define ST_LOG_DEBUG 1
#define ST_LOG_INFO 2
#define ST_LOG_WARN 3
#define ST_LOG_ERROR 4

/* ---- attitude modes (st_attitude_request) ---- */
#define ST_ATT_NADIR 0    /* camera boresight (body +z) to nadir */
#define ST_ATT_SUN 1      /* main solar array normal to the Sun */
#define ST_ATT_INERTIAL 2 /* hold q_body_from_eci = (p0, p1, p2, p3) */
#define ST_ATT_TARGET 3   /* track lat_deg = p0, lon_deg = p1, alt_m = p2 */

/* ---- st_state_v1.valid bits ---- */
#define ST_VALID_GNSS 1
#define ST_VALID_ATTITUDE 2
#define ST_VALID_SUN_SENSOR 4
#define ST_VALID_POWER 8
#define ST_VALID_THERMAL 16

/* ---- st_state_v1.flags bits ---- */
#define ST_FLAG_SUNLIT 1
#define ST_FLAG_CONTACT 2
#define ST_FLAG_SAFE_MODE 4
#define ST_FLAG_OVER_AOI 8

/* ---- structs ---- */

/* The satellite's state as its sensors report it (280 bytes). */
typedef struct st_state_v1 {
    int64_t time_unix_ns;       /*   0 */
    uint32_t valid;             /*   8 ST_VALID_* */
    uint32_t flags;             /*  12 ST_FLAG_* */
    double pos_eci_km[3];       /*  16 TEME of date */
    double vel_eci_km_s[3];     /*  40 */
    double lat_deg;             /*  64 WGS-84 geodetic */
    double lon_deg;             /*  72 -180..180 */
    double alt_km;              /*  80 */
    double q_body_from_eci[4];  /*  88 (w, x, y, z) */
    double rate_body_rad_s[3];  /* 120 */
    double sun_body_unit[3];    /* 144 zero in eclipse */
    double illumination;        /* 168 0 umbra .. 1 full sun */
    double battery_soc;         /* 176 0..1 */
    double battery_energy_wh;   /* 184 */
    double solar_power_w;       /* 192 */
    double load_power_w;        /* 200 */
    uint32_t attitude_mode;     /* 208 ST_ATT_* */
    uint32_t temperature_count; /* 212 */
    double pointing_error_deg;  /* 216 */
    double temperatures_c[7];   /* 224 first 7 thermal nodes */
} st_state_v1;                  /* 280 */

/* The camera's geometry (24 bytes). */
typedef struct st_camera_info_v1 {
    uint32_t width_px;        /*  0 */
    uint32_t height_px;       /*  4 */
    uint32_t channels;        /*  8 1 grey, 3 RGB */
    uint32_t bits_per_sample; /* 12 8 */
    double fov_deg;           /* 16 full field of view across the width */
} st_camera_info_v1;

/* Where and when an image was taken (48 bytes). */
typedef struct st_image_meta_v1 {
    int64_t time_unix_ns;     /*  0 */
    double center_lat_deg;    /*  8 NaN if the boresight misses the Earth */
    double center_lon_deg;    /* 16 */
    double gsd_m;             /* 24 ground sample distance at the centre */
    double off_nadir_deg;     /* 32 */
    double sun_elevation_deg; /* 40 at the centre */
} st_image_meta_v1;

/* This app's downlink totals (24 bytes). */
typedef struct st_downlink_stats_v1 {
    uint64_t queued_bytes;       /*  0 */
    uint64_t delivered_bytes;    /*  8 */
    uint32_t queued_messages;    /* 16 */
    uint32_t delivered_messages; /* 20 */
} st_downlink_stats_v1;

_Static_assert(sizeof(st_state_v1) == 280, "st_state_v1 is 280 bytes");
_Static_assert(offsetof(st_state_v1, valid) == 8, "valid");
_Static_assert(offsetof(st_state_v1, flags) == 12, "flags");
_Static_assert(offsetof(st_state_v1, pos_eci_km) == 16, "pos_eci_km");
_Static_assert(offsetof(st_state_v1, vel_eci_km_s) == 40, "vel_eci_km_s");
_Static_assert(offsetof(st_state_v1, lat_deg) == 64, "lat_deg");
_Static_assert(offsetof(st_state_v1, lon_deg) == 72, "lon_deg");
_Static_assert(offsetof(st_state_v1, alt_km) == 80, "alt_km");
_Static_assert(offsetof(st_state_v1, q_body_from_eci) == 88, "q_body_from_eci");
_Static_assert(offsetof(st_state_v1, rate_body_rad_s) == 120, "rate_body_rad_s");
_Static_assert(offsetof(st_state_v1, sun_body_unit) == 144, "sun_body_unit");
_Static_assert(offsetof(st_state_v1, illumination) == 168, "illumination");
_Static_assert(offsetof(st_state_v1, battery_soc) == 176, "battery_soc");
_Static_assert(offsetof(st_state_v1, battery_energy_wh) == 184, "battery_energy_wh");
_Static_assert(offsetof(st_state_v1, solar_power_w) == 192, "solar_power_w");
_Static_assert(offsetof(st_state_v1, load_power_w) == 200, "load_power_w");
_Static_assert(offsetof(st_state_v1, attitude_mode) == 208, "attitude_mode");
_Static_assert(offsetof(st_state_v1, temperature_count) == 212, "temperature_count");
_Static_assert(offsetof(st_state_v1, pointing_error_deg) == 216, "pointing_error_deg");
_Static_assert(offsetof(st_state_v1, temperatures_c) == 224, "temperatures_c");
_Static_assert(sizeof(st_camera_info_v1) == 24, "st_camera_info_v1 is 24 bytes");
_Static_assert(offsetof(st_camera_info_v1, fov_deg) == 16, "fov_deg");
_Static_assert(sizeof(st_image_meta_v1) == 48, "st_image_meta_v1 is 48 bytes");
_Static_assert(offsetof(st_image_meta_v1, sun_elevation_deg) == 40, "sun_elevation_deg");
_Static_assert(sizeof(st_downlink_stats_v1) == 24, "st_downlink_stats_v1 is 24 bytes");
_Static_assert(offsetof(st_downlink_stats_v1, queued_messages) == 16, "queued_messages");
_Static_assert(offsetof(st_downlink_stats_v1, delivered_messages) == 20, "delivered_messages");

/* ---- imports of "skytwin_v1" ---- */
#define ST_IMPORT(name) __attribute__((import_module("skytwin_v1"), import_name(#name)))

/* Clock and identity */
int32_t st_abi_version(void) ST_IMPORT(abi_version);
int64_t st_time_now(void) ST_IMPORT(time_now);
int32_t st_identity(char *buf, uint32_t len) ST_IMPORT(identity);

/* Logs */
int32_t st_log(int32_t level, const char *msg, uint32_t len) ST_IMPORT(log);

/* Satellite state */
int32_t st_state_read(st_state_v1 *out, uint32_t len) ST_IMPORT(state_read);
int32_t st_temperature_name(int32_t index, char *buf, uint32_t len) ST_IMPORT(temperature_name);

/* Attitude */
int32_t st_attitude_request(int32_t mode, double p0, double p1, double p2, double p3)
    ST_IMPORT(attitude_request);

/* Camera */
int32_t st_camera_info(st_camera_info_v1 *out, uint32_t len) ST_IMPORT(camera_info);
int32_t st_camera_capture(void *buf, uint32_t buf_len, st_image_meta_v1 *meta, uint32_t meta_len)
    ST_IMPORT(camera_capture);

/* Downlink */
int64_t st_downlink_queue(const void *data, uint32_t len, int32_t priority) ST_IMPORT(downlink_queue);
int64_t st_downlink_status(int64_t id) ST_IMPORT(downlink_status);
int32_t st_downlink_stats(st_downlink_stats_v1 *out, uint32_t len) ST_IMPORT(downlink_stats);

/* Uplinked commands */
int32_t st_command_next_len(void) ST_IMPORT(command_next_len);
int32_t st_command_recv(void *buf, uint32_t len) ST_IMPORT(command_recv);

/* Inter-satellite messages */
int64_t st_isl_send(const char *dest, uint32_t dest_len, const void *data, uint32_t len)
    ST_IMPORT(isl_send);
int32_t st_isl_next_len(void) ST_IMPORT(isl_next_len);
int32_t st_isl_recv(void *buf, uint32_t len, char *from, uint32_t from_len) ST_IMPORT(isl_recv);

/* Waiting, events and timers */
int32_t st_wait(int32_t mask, int64_t timeout_ns) ST_IMPORT(wait);
int32_t st_poll_events(int32_t mask) ST_IMPORT(poll_events);
int32_t st_sleep_until(int64_t t_unix_ns) ST_IMPORT(sleep_until);
int32_t st_timer_set(int64_t t_unix_ns) ST_IMPORT(timer_set);
int32_t st_heartbeat(void) ST_IMPORT(heartbeat);
int32_t st_subscribe(int32_t mask) ST_IMPORT(subscribe);

#undef ST_IMPORT

/* A reactor app defines this handler (and no main); the declaration exports it under the
 * name the host calls. Build reactors with -mexec-model=reactor. */
__attribute__((export_name("skytwin_on_event"))) int32_t skytwin_on_event(int32_t events);

/* ---- inline helpers ---- */

/* Reads the state into *out; returns 280 or an ST_E* code. */
static inline int32_t st_state(st_state_v1 *out) {
    return st_state_read(out, (uint32_t)sizeof *out);
}

/* Logs a NUL-terminated string. */
static inline int32_t st_log_str(int32_t level, const char *msg) {
    return st_log(level, msg, (uint32_t)strlen(msg));
}

/* Sends a NUL-terminated destination name with data over the ISL. */
static inline int64_t st_isl_send_to(const char *dest, const void *data, uint32_t len) {
    return st_isl_send(dest, (uint32_t)strlen(dest), data, len);
}

/* Blocks until an event in mask or the simulated time t_unix_ns; returns the events, 0 when
 * the time was reached. */
static inline int32_t st_wait_until(int32_t mask, int64_t t_unix_ns) {
    int64_t now = st_time_now();
    if (t_unix_ns <= now) return st_poll_events(mask);
    return st_wait(mask, t_unix_ns - now);
}

/* The name of an error code ("ST_EFAULT", ...), "ST_OK" for a success. */
static inline const char *st_strerror(int64_t code) {
    switch (code) {
    case ST_EFAULT: return "ST_EFAULT";
    case ST_EINVAL: return "ST_EINVAL";
    case ST_ENOSPC: return "ST_ENOSPC";
    case ST_EAGAIN: return "ST_EAGAIN";
    case ST_E2BIG: return "ST_E2BIG";
    case ST_EUNAVAIL: return "ST_EUNAVAIL";
    case ST_ERATE: return "ST_ERATE";
    case ST_ENOTFOUND: return "ST_ENOTFOUND";
    case ST_EWOULDBLOCK: return "ST_EWOULDBLOCK";
    default: return code >= 0 ? "ST_OK" : "ST_E?";
    }
}

#ifdef __cplusplus
}
#endif

#endif /* SKYTWIN_H */
