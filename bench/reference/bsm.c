/*
 * The C reference for bench/pricing.bench.ts: textbook Black-Scholes-Merton price and five
 * greeks per option with the C library's erfc for N(x) (double precision), as a Node-API
 * addon so it runs in the bench's own process on the bench's own typed arrays. Compiled by
 * the bench with gcc -O3 -march=native (no -ffast-math: results stay IEEE-exact).
 * Units as the product's: theta per calendar day, vega and rho per 1 percentage point.
 */
#include <math.h>
#include <node_api.h>
#include <stdint.h>

static double cdf(double x) { return 0.5 * erfc(-x * M_SQRT1_2); }

static void price_chain(size_t n, double s, double r, double q, const double *k, const double *t,
                        const uint8_t *right, const double *vol, double *price, double *delta,
                        double *gamma, double *theta, double *vega, double *rho) {
  const double inv_sqrt_2pi = 0.39894228040143267794;
  for (size_t i = 0; i < n; i++) {
    double sqrt_t = sqrt(t[i]);
    double v = vol[i];
    double vst = v * sqrt_t;
    double d1 = (log(s / k[i]) + (r - q + 0.5 * v * v) * t[i]) / vst;
    double d2 = d1 - vst;
    double eq = exp(-q * t[i]), er = exp(-r * t[i]);
    double pdf = inv_sqrt_2pi * exp(-0.5 * d1 * d1);
    double sd = s * eq, kd = k[i] * er;
    double decay = -sd * pdf * v / (2 * sqrt_t);
    gamma[i] = eq * pdf / (s * vst);
    vega[i] = sd * pdf * sqrt_t / 100;
    if (right[i]) {
      double n1 = cdf(d1), n2 = cdf(d2);
      price[i] = sd * n1 - kd * n2;
      delta[i] = eq * n1;
      theta[i] = (decay - r * kd * n2 + q * sd * n1) / 365;
      rho[i] = t[i] * kd * n2 / 100;
    } else {
      double n1 = cdf(-d1), n2 = cdf(-d2);
      price[i] = kd * n2 - sd * n1;
      delta[i] = -eq * n1;
      theta[i] = (decay + r * kd * n2 - q * sd * n1) / 365;
      rho[i] = -t[i] * kd * n2 / 100;
    }
  }
}

static void *data_of(napi_env env, napi_value v, size_t *len) {
  void *data = NULL;
  napi_typedarray_type type;
  size_t offset;
  napi_value buffer;
  napi_get_typedarray_info(env, v, &type, len, &data, &buffer, &offset);
  return data;
}

/* priceChain(spot, rate, div, strikes, t, rights, vols, price, delta, gamma, theta, vega, rho) */
static napi_value PriceChain(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value a[13];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  double s, r, q;
  napi_get_value_double(env, a[0], &s);
  napi_get_value_double(env, a[1], &r);
  napi_get_value_double(env, a[2], &q);
  size_t n, unused;
  const double *k = data_of(env, a[3], &n);
  const double *t = data_of(env, a[4], &unused);
  const uint8_t *right = data_of(env, a[5], &unused);
  const double *vol = data_of(env, a[6], &unused);
  price_chain(n, s, r, q, k, t, right, vol, data_of(env, a[7], &unused),
              data_of(env, a[8], &unused), data_of(env, a[9], &unused),
              data_of(env, a[10], &unused), data_of(env, a[11], &unused),
              data_of(env, a[12], &unused));
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "priceChain", NAPI_AUTO_LENGTH, PriceChain, NULL, &fn);
  napi_set_named_property(env, exports, "priceChain", fn);
  return exports;
}
