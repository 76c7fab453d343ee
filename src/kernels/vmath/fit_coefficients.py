#!/usr/bin/env python3
"""Fits the polynomial coefficients of vmath_coeffs.h (mpmath, interpolation at Chebyshev nodes).

  python3 fit_coefficients.py emit             prints the C++ tables pasted into vmath_coeffs.h
  python3 fit_coefficients.py exp 9            max relative error of each degree (exploration)
  python3 fit_coefficients.py erfs 10 0.75     erf(z)/z on [0, 0.75]
  python3 fit_coefficients.py tanhs 12 0.625   tanh(u)/u on [0, 0.625]
  python3 fit_coefficients.py erfcx 14 0.75 6 8  erfc(z) exp(z^2), 8 intervals of [0.75, 6]
"""
import mpmath as mp
mp.mp.dps = 50
def cheb_fit(f, a, b, deg, center):
    # interpolate f at Chebyshev nodes of [a,b]; return monomial coeffs in t = x - center
    n = deg + 1
    xs = [ (a+b)/2 + (b-a)/2*mp.cos(mp.pi*(2*i+1)/(2*n)) for i in range(n)]
    A = mp.matrix(n, n); y = mp.matrix(n, 1)
    for i,x in enumerate(xs):
        for j in range(n): A[i,j] = (x-center)**j
        y[i] = f(x)
    c = mp.lu_solve(A, y)
    return [float(c[j]) for j in range(n)]
def maxerr(approx, exact, a, b, npts=2000):
    m = 0
    for i in range(npts+1):
        x = a + (b-a)*mp.mpf(i)/npts
        e = exact(x)
        if e != 0: m = max(m, abs((approx(x)-e)/e))
    return m
def horner(c, t):
    r = mp.mpf(0)
    for v in reversed(c): r = r*t + mp.mpf(v)
    return r
import sys
which = sys.argv[1]
if which == 'exp':
    L = mp.log(2)/2
    q = lambda r: (mp.exp(r)-1-r)/r**2 if r != 0 else mp.mpf(0.5)
    for d in range(8, 12):
        c = cheb_fit(q, -L, L, d, 0)
        err = maxerr(lambda r: 1 + r + r*r*horner(c, r), mp.exp, -L, L)
        print(d, mp.nstr(err, 3), c if d==int(sys.argv[2]) else '')
if which == 'erfs':
    A = mp.mpf(sys.argv[3])
    P = lambda s: mp.erf(mp.sqrt(s))/mp.sqrt(s) if s != 0 else 2/mp.sqrt(mp.pi)
    for d in range(9, 15):
        c = cheb_fit(P, 0, A*A, d, 0)
        err = maxerr(lambda z: z*horner(c, z*z), mp.erf, mp.mpf('1e-6'), A)
        print(d, mp.nstr(err, 3), c if d==int(sys.argv[2]) else '')
if which == 'tanhs':
    A = mp.mpf(sys.argv[3])
    P = lambda s: mp.tanh(mp.sqrt(s))/mp.sqrt(s) if s != 0 else mp.mpf(1)
    for d in range(9, 17):
        c = cheb_fit(P, 0, A*A, d, 0)
        err = maxerr(lambda z: z*horner(c, z*z), mp.tanh, mp.mpf('1e-6'), A)
        print(d, mp.nstr(err, 3), c if d==int(sys.argv[2]) else '')
if which == 'erfcx':
    a0, b0, nint = mp.mpf(sys.argv[3]), mp.mpf(sys.argv[4]), int(sys.argv[5])
    g = lambda z: mp.erfc(z)*mp.exp(z*z)
    w = (b0-a0)/nint
    D = int(sys.argv[2])
    allc = []
    for k in range(nint):
        a = a0 + k*w; b = a + w; c0 = (a+b)/2
        c = cheb_fit(g, a, b, D, c0)
        err = maxerr(lambda z: horner(c, z - c0), g, a, b, 400)
        print(k, float(c0), mp.nstr(err, 3))
        allc.append(c)
    print(allc)
if which == 'emit':
    mp.mp.dps = 60
    def arr(name, c, comment):
        s = "// %s\ninline constexpr double %s[%d] = {\n" % (comment, name, len(c))
        s += "".join("    %s,\n" % v.hex() for v in c) + "};\n"
        return s
    L = mp.log(2)/2
    q = lambda r: (mp.exp(r)-1-r)/r**2 if r != 0 else mp.mpf(0.5)
    out = arr("kExpQ", cheb_fit(q, -L, L, 9, 0), "exp(r) = 1 + r + r^2 * Q(r), |r| <= ln2/2")
    P = lambda s: mp.erf(mp.sqrt(s))/mp.sqrt(s) - 1 if s != 0 else 2/mp.sqrt(mp.pi) - 1
    out += arr("kErfSmall", cheb_fit(P, 0, mp.mpf(0.75)**2, 10, 0), "erf(z) = z + z * P(z^2), |z| < 0.75")
    T = lambda s: (mp.tanh(mp.sqrt(s))/mp.sqrt(s) - 1)/s if s != 0 else mp.mpf(-1)/3
    out += arr("kTanhSmall", cheb_fit(T, 0, mp.mpf(0.625)**2, 11, 0), "tanh(u) = u + u * u^2 Q(u^2), |u| < 0.625")
    g = lambda z: mp.erfc(z)*mp.exp(z*z)
    a0, b0, nint, D = mp.mpf(0.75), mp.mpf(6), 8, 14
    w = (b0-a0)/nint
    cs = []
    for k in range(nint):
        a = a0 + k*w; b = a + w; c0 = (a+b)/2
        cs.append(cheb_fit(g, a, b, D, c0))
    out += "// erfc(z) * exp(z^2) on 8 intervals [0.75 + j w, 0.75 + (j+1) w), w = 5.25/8: coefficient i of\n"
    out += "// interval j in kErfcx[i][j], in powers of t = z - (0.75 + (j + 1/2) w)\n"
    out += "inline constexpr double kErfcx[%d][8] = {\n" % (D+1)
    for i in range(D+1):
        out += "    {" + ", ".join(cs[j][i].hex() for j in range(nint)) + "},\n"
    out += "};\n"
    print(out)
if which in ('fast', 'emitfast'):
    # The fast path of gelu_erf (vmath_impl.h erfc_fast): exp(r) = 1 + r + r^2 Q(r) with Q of degree 7, and
    # erfcx(a) = erfc(a) exp(a^2) on N non-uniform intervals of [0, 6.0625]: interval j = floor(a (alpha -
    # beta a)), narrower near 0 where erfcx bends most; a polynomial of degree D in t = a - center_j each.
    # `fast` prints the fitted polynomials' max relative error (coefficients rounded to double) per interval.
    mp.mp.dps = 30
    L = mp.log(2)/2
    q = lambda r: (mp.exp(r)-1-r)/r**2 if abs(r) > mp.mpf('1e-12') else mp.mpf(0.5) + r/6
    qc = cheb_fit(q, -L, L, 7, 0)
    ee = max(abs((1 + r + r*r*horner(qc, r))/mp.exp(r) - 1) for r in [-L + 2*L*i/2000 for i in range(2001)])
    g = lambda z: mp.erfc(z)*mp.exp(z*z)
    A = mp.mpf(6.0625)
    out = "// exp(r) = 1 + r + r^2 * Q(r), |r| <= ln2/2 (gelu_erf's fast path)\n"
    out += "inline constexpr double kExpFastQ[8] = {" + ", ".join(v.hex() for v in qc) + "};\n"
    errs = ["exp: %s" % mp.nstr(ee, 3)]
    for N, D, beta in ((16, 8, 0.27717), (8, 10, 0.13859)):
        beta = mp.mpf(beta)
        alpha = N/A + A*beta
        alpha_d, beta_d = float(alpha), float(beta)
        bs = [mp.mpf(0)] + [(alpha - mp.sqrt(alpha*alpha - 4*beta*j))/(2*beta) for j in range(1, N+1)]
        cs, cen, worst = [], [], 0
        for j in range(N):
            a, b = bs[j], bs[j+1]
            c0 = mp.mpf(float((a+b)/2))
            c = cheb_fit(g, a, b, D, c0)
            cs.append(c); cen.append(float(c0))
            m = max(abs(horner(c, z - c0)/g(z) - 1) for z in [a + (b-a)*i/300 for i in range(301)])
            worst = max(worst, m)
        errs.append("erfcx %d intervals degree %d: %s" % (N, D, mp.nstr(worst, 3)))
        out += "struct ErfcxFast%d {  // %d intervals of [0, 6.0625], degree %d\n" % (N, N, D)
        out += "  static constexpr double kAlpha = %s, kBeta = %s;\n" % (alpha_d.hex(), beta_d.hex())
        out += "  static constexpr double kCenter[%d] = {%s};\n" % (N, ", ".join(v.hex() for v in cen))
        out += "  static constexpr double kC[%d][%d] = {\n" % (D+1, N)
        for i in range(D+1):
            out += "      {" + ", ".join(cs[j][i].hex() for j in range(N)) + "},\n"
        out += "  };\n};\n"
    print(out if which == 'emitfast' else "\n".join(errs))
if which in ('phi', 'emitphi'):
    # gelu_quantize_u8's float approximation (vmath_impl.h phi_tail): Q(a) = Phi(-a) = erfc(a / sqrt2) / 2 on
    # [0, 6) in N equal intervals, a polynomial of degree D in t = a - center_j each, coefficients rounded to
    # float. `phi` prints the max absolute error of the rounded coefficients in exact arithmetic.
    import struct
    mp.mp.dps = 30
    f32 = lambda v: struct.unpack('f', struct.pack('f', float(v)))[0]
    fhex = lambda v: (lambda m, e: m.rstrip('0').rstrip('.') + 'p' + e + 'f')(*v.hex().split('p'))
    Q = lambda a: mp.erfc(a/mp.sqrt(2))/2
    out, errs = "", []
    for N, D in ((16, 5), (8, 6)):
        w = mp.mpf(6)/N
        cs, cen, worst = [], [], 0
        for j in range(N):
            c0 = f32((j + mp.mpf(0.5))*w)
            c = [f32(v) for v in cheb_fit(Q, j*w, (j+1)*w, D, mp.mpf(c0))]
            cs.append(c); cen.append(c0)
            worst = max([worst] + [abs(horner(c, j*w + w*i/300 - c0) - Q(j*w + w*i/300)) for i in range(301)])
        errs.append("Phi(-a) %d intervals degree %d: %s absolute" % (N, D, mp.nstr(worst, 3)))
        out += "struct PhiTail%d {  // %d intervals of [0, 6), degree %d\n" % (N, N, D)
        out += "  static constexpr float kCenter[%d] = {%s};\n" % (N, ", ".join(fhex(v) for v in cen))
        out += "  static constexpr float kC[%d][%d] = {\n" % (D+1, N)
        for i in range(D+1):
            out += "      {" + ", ".join(fhex(cs[j][i]) for j in range(N)) + "},\n"
        out += "  };\n};\n"
    print(out if which == 'emitphi' else "\n".join(errs))
