/*
 * housekeeping: a reactor app in C that watches the satellite's health.
 *
 * Every period (default 10 s, timer) it samples the state: battery state of charge, power
 * in and out, temperatures. It keeps minimum, maximum and mean over the reporting window,
 * integrates solar and load energy, counts eclipses, and raises alarms: a battery below the
 * SoC limit (default 0.3) logs an error and requests Sun pointing once; a temperature
 * outside -20..+60 C logs a warning. At every ground-contact start it queues a 64-byte
 * summary packet (layout below, CRC-16/CCITT) and starts a new window.
 *
 * Commands: "report" (queue a summary now), "reset", "soc-limit F", "period SECONDS".
 *
 * Summary packet (big-endian, 64 bytes):
 *   0 "STHK"  4 u8 version 1  5 u8 alarms bits (1 low SoC, 2 hot, 4 cold)  6 u16 samples
 *   8 i64 window start ns  16 i64 window end ns
 *  24 f32 soc min  28 f32 soc mean  32 f32 soc max
 *  36 f32 solar energy Wh  40 f32 load energy Wh
 *  44 f32 temperature min C  48 f32 temperature max C
 *  52 u16 eclipses  54 u16 sensor dropouts  56 u32 sequence  60 u16 reserved 0
 *  62 u16 CRC-16/CCITT of bytes 0..61
 */
#include "skytwin.h"

#include <stdarg.h>
#include <stdio.h>

#define ALARM_LOW_SOC 1
#define ALARM_HOT 2
#define ALARM_COLD 4

static struct {
    int started;
    int64_t period_ns;
    double soc_limit;
    double temp_min_limit_c, temp_max_limit_c;
    uint32_t seq;
    /* the reporting window */
    int64_t window_start_ns, last_sample_ns;
    uint32_t samples, eclipses, dropouts;
    double soc_min, soc_max, soc_sum;
    double solar_wh, load_wh;
    double temp_min_c, temp_max_c;
    uint8_t alarms;
    int sun_requested;
} hk;

/* printf-style log line */
__attribute__((format(printf, 2, 3))) static void logf_(int level, const char *fmt, ...) {
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0) st_log(level, line, (uint32_t)(n < (int)sizeof line ? n : (int)sizeof line - 1));
}

static void reset_window(int64_t now) {
    hk.window_start_ns = now;
    hk.last_sample_ns = 0;
    hk.samples = hk.eclipses = hk.dropouts = 0;
    hk.soc_min = 2.0;
    hk.soc_max = -1.0;
    hk.soc_sum = 0.0;
    hk.solar_wh = hk.load_wh = 0.0;
    hk.temp_min_c = 1e9;
    hk.temp_max_c = -1e9;
    hk.alarms = 0;
}

/* CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, MSB first (check "123456789" = 0x29B1). */
static uint16_t crc16_ccitt(const uint8_t *p, size_t n) {
    uint16_t crc = 0xFFFF;
    while (n--) {
        crc ^= (uint16_t)(*p++) << 8;
        for (int i = 0; i < 8; i++) crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    }
    return crc;
}

static uint8_t *put_u16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = (uint8_t)v; return p + 2; }
static uint8_t *put_u32(uint8_t *p, uint32_t v) { p = put_u16(p, v >> 16); return put_u16(p, (uint16_t)v); }
static uint8_t *put_i64(uint8_t *p, int64_t v) { p = put_u32(p, (uint32_t)((uint64_t)v >> 32)); return put_u32(p, (uint32_t)v); }
static uint8_t *put_f32(uint8_t *p, double v) {
    float f = (float)v;
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return put_u32(p, u);
}

static void sample(void) {
    st_state_v1 s;
    if (st_state(&s) < 0) return;
    if ((s.valid & (ST_VALID_POWER | ST_VALID_THERMAL)) != (ST_VALID_POWER | ST_VALID_THERMAL)) hk.dropouts++;
    if (s.valid & ST_VALID_POWER) {
        /* energy: E += P * dt (rectangle rule over the sample interval) */
        if (hk.last_sample_ns != 0) {
            double dt_h = (double)(s.time_unix_ns - hk.last_sample_ns) / 3.6e12;
            hk.solar_wh += s.solar_power_w * dt_h;
            hk.load_wh += s.load_power_w * dt_h;
        }
        hk.last_sample_ns = s.time_unix_ns;
        hk.samples++;
        hk.soc_sum += s.battery_soc;
        if (s.battery_soc < hk.soc_min) hk.soc_min = s.battery_soc;
        if (s.battery_soc > hk.soc_max) hk.soc_max = s.battery_soc;
        if (s.battery_soc < hk.soc_limit) {
            if (!(hk.alarms & ALARM_LOW_SOC)) logf_(ST_LOG_ERROR, "battery low: SoC %.3f below %.3f", s.battery_soc, hk.soc_limit);
            hk.alarms |= ALARM_LOW_SOC;
            if (!hk.sun_requested && !(s.flags & ST_FLAG_SAFE_MODE)) {
                int32_t r = st_attitude_request(ST_ATT_SUN, 0, 0, 0, 0);
                if (r == 0) st_log_str(ST_LOG_WARN, "requested Sun pointing to recharge");
                hk.sun_requested = 1;
            }
        } else if (s.battery_soc > hk.soc_limit + 0.1) {
            hk.sun_requested = 0;
        }
    }
    if (s.valid & ST_VALID_THERMAL) {
        uint32_t n = s.temperature_count < 7 ? s.temperature_count : 7;
        for (uint32_t i = 0; i < n; i++) {
            double t = s.temperatures_c[i];
            if (t < hk.temp_min_c) hk.temp_min_c = t;
            if (t > hk.temp_max_c) hk.temp_max_c = t;
            if (t > hk.temp_max_limit_c && !(hk.alarms & ALARM_HOT)) {
                hk.alarms |= ALARM_HOT;
                logf_(ST_LOG_WARN, "node %u hot: %.1f C", (unsigned)i, t);
            }
            if (t < hk.temp_min_limit_c && !(hk.alarms & ALARM_COLD)) {
                hk.alarms |= ALARM_COLD;
                logf_(ST_LOG_WARN, "node %u cold: %.1f C", (unsigned)i, t);
            }
        }
    }
}

static void report(void) {
    int64_t now = st_time_now();
    uint8_t pkt[64];
    uint8_t *p = pkt;
    int have_soc = hk.samples > 0, have_t = hk.temp_max_c >= hk.temp_min_c;
    memcpy(p, "STHK", 4);
    p += 4;
    *p++ = 1;
    *p++ = hk.alarms;
    p = put_u16(p, hk.samples > 0xFFFF ? 0xFFFF : (uint16_t)hk.samples);
    p = put_i64(p, hk.window_start_ns);
    p = put_i64(p, now);
    p = put_f32(p, have_soc ? hk.soc_min : 0.0);
    p = put_f32(p, have_soc ? hk.soc_sum / hk.samples : 0.0);
    p = put_f32(p, have_soc ? hk.soc_max : 0.0);
    p = put_f32(p, hk.solar_wh);
    p = put_f32(p, hk.load_wh);
    p = put_f32(p, have_t ? hk.temp_min_c : 0.0);
    p = put_f32(p, have_t ? hk.temp_max_c : 0.0);
    p = put_u16(p, (uint16_t)hk.eclipses);
    p = put_u16(p, (uint16_t)hk.dropouts);
    p = put_u32(p, hk.seq);
    p = put_u16(p, 0);
    put_u16(p, crc16_ccitt(pkt, 62));
    int64_t id = st_downlink_queue(pkt, sizeof pkt, 2);
    if (id < 0) {
        logf_(ST_LOG_WARN, "summary %u not queued: %s", (unsigned)hk.seq, st_strerror(id));
        return;
    }
    logf_(ST_LOG_INFO, "summary %u: %u samples, SoC %.3f..%.3f, %u eclipses", (unsigned)hk.seq, (unsigned)hk.samples,
          have_soc ? hk.soc_min : 0.0, have_soc ? hk.soc_max : 0.0, (unsigned)hk.eclipses);
    hk.seq++;
    reset_window(now);
}

static void commands(void) {
    char buf[128];
    int32_t n;
    while ((n = st_command_recv(buf, sizeof buf - 1)) >= 0) {
        buf[n] = 0;
        double v;
        if (strcmp(buf, "report") == 0) {
            report();
        } else if (strcmp(buf, "reset") == 0) {
            reset_window(st_time_now());
        } else if (sscanf(buf, "soc-limit %lf", &v) == 1 && v >= 0.0 && v <= 1.0) {
            hk.soc_limit = v;
            logf_(ST_LOG_INFO, "SoC limit now %.3f", v);
        } else if (sscanf(buf, "period %lf", &v) == 1 && v >= 1.0) {
            hk.period_ns = (int64_t)(v * 1e9);
            logf_(ST_LOG_INFO, "period now %.1f s", v);
        } else {
            st_log_str(ST_LOG_WARN, "unknown command");
        }
    }
    if (n == ST_E2BIG) {
        /* longer than any command we know: drop it so it does not block the queue */
        static char big[4096];
        st_command_recv(big, sizeof big);
        st_log_str(ST_LOG_WARN, "oversized command dropped");
    }
}

__attribute__((export_name("skytwin_on_event"))) int32_t skytwin_on_event(int32_t events) {
    if ((events & ST_EV_START) || !hk.started) {
        hk.started = 1;
        hk.period_ns = 10 * ST_NS_PER_S;
        hk.soc_limit = 0.3;
        hk.temp_min_limit_c = -20.0;
        hk.temp_max_limit_c = 60.0;
        reset_window(st_time_now());
        st_subscribe(ST_EV_TIMER | ST_EV_COMMAND | ST_EV_CONTACT_START | ST_EV_ECLIPSE | ST_EV_RESUMED);
        st_timer_set(st_time_now() + ST_NS_PER_S);
        st_log_str(ST_LOG_INFO, "housekeeping started");
    }
    st_heartbeat();
    if (events & ST_EV_COMMAND) commands();
    if (events & ST_EV_ECLIPSE) hk.eclipses++;
    if (events & (ST_EV_TIMER | ST_EV_RESUMED)) {
        sample();
        st_timer_set(st_time_now() + hk.period_ns);
    }
    if (events & ST_EV_CONTACT_START) report();
    return 0;
}
