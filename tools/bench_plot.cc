// sparrow bench --plot: a self-contained SVG of a --compare run. Left: throughput of every round, one bar per
// config. Right: each config's latency distribution as a box plot (box: quartiles, line: median, whiskers:
// 1st and 99th percentiles, dots: min and max).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "bench.h"

namespace sparrow::tools::bench {
namespace {

constexpr const char* kColors[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759",
                                   "#76b7b2", "#edc948", "#b07aa1", "#ff9da7"};
constexpr double kWidth = 1000, kHeight = 460;
constexpr double kTop = 90, kBottom = 400;  // plot area, both panels

const char* color(size_t i) {
  return kColors[i % (sizeof kColors / sizeof kColors[0])];
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string label_num(double v) {
  char buf[32];
  if (v != 0 && std::fabs(v) < 10)
    std::snprintf(buf, sizeof buf, "%.2g", v);
  else
    std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A round step near max/5: 1, 2 or 5 times a power of ten.
double tick_step(double max) {
  if (max <= 0) return 1;
  double raw = max / 5, p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  double at = q * static_cast<double>(sorted.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(at)), hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - static_cast<double>(lo));
}

struct Panel {
  double x0, x1, ymax;
  double y(double v) const { return kBottom - (kBottom - kTop) * v / ymax; }
};

// Axes, grid lines with labels, and titles; returns the panel with its rounded-up scale.
Panel axes(std::ostringstream& svg, double x0, double x1, double max, const std::string& title,
           const std::string& x_title) {
  double step = tick_step(max);
  Panel p{x0, x1, std::max(step, std::ceil(max * 1.05 / step) * step)};
  svg << "<text x=\"" << num((x0 + x1) / 2) << "\" y=\"" << num(kTop - 14)
      << "\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">" << escape(title) << "</text>\n";
  for (double v = 0; v <= p.ymax + step / 2; v += step) {
    svg << "<line x1=\"" << num(x0) << "\" y1=\"" << num(p.y(v)) << "\" x2=\"" << num(x1) << "\" y2=\""
        << num(p.y(v)) << "\" stroke=\"#ddd\"/>\n";
    svg << "<text x=\"" << num(x0 - 6) << "\" y=\"" << num(p.y(v) + 4)
        << "\" text-anchor=\"end\" font-size=\"11\">" << label_num(v) << "</text>\n";
  }
  svg << "<line x1=\"" << num(x0) << "\" y1=\"" << num(kBottom) << "\" x2=\"" << num(x1) << "\" y2=\""
      << num(kBottom) << "\" stroke=\"#333\"/>\n";
  svg << "<line x1=\"" << num(x0) << "\" y1=\"" << num(kTop) << "\" x2=\"" << num(x0) << "\" y2=\""
      << num(kBottom) << "\" stroke=\"#333\"/>\n";
  svg << "<text x=\"" << num((x0 + x1) / 2) << "\" y=\"" << num(kBottom + 36)
      << "\" text-anchor=\"middle\" font-size=\"12\">" << escape(x_title) << "</text>\n";
  return p;
}

void rect(std::ostringstream& svg, double x, double y, double w, double h, const char* fill,
          const std::string& tip) {
  svg << "<rect x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"" << num(std::max(w, 0.5))
      << "\" height=\"" << num(std::max(h, 0.5)) << "\" fill=\"" << fill
      << "\" stroke=\"#333\" stroke-width=\"0.5\"><title>" << escape(tip) << "</title></rect>\n";
}

void line(std::ostringstream& svg, double x1, double y1, double x2, double y2, const char* stroke,
          double width) {
  svg << "<line x1=\"" << num(x1) << "\" y1=\"" << num(y1) << "\" x2=\"" << num(x2) << "\" y2=\"" << num(y2)
      << "\" stroke=\"" << stroke << "\" stroke-width=\"" << width << "\"/>\n";
}

void throughput_panel(std::ostringstream& svg, const std::vector<PlotSeries>& series) {
  size_t rounds = 0;
  double max = 0;
  for (const PlotSeries& s : series) {
    rounds = std::max(rounds, s.round_fps.size());
    for (double v : s.round_fps) max = std::max(max, v);
  }
  Panel p = axes(svg, 70, 470, max, "Throughput per round (FPS)", "round");
  const double group = (p.x1 - p.x0) / static_cast<double>(std::max<size_t>(rounds, 1));
  const double bar = group * 0.8 / static_cast<double>(series.size());
  for (size_t r = 0; r < rounds; ++r) {
    double gx = p.x0 + group * static_cast<double>(r) + group * 0.1;
    for (size_t i = 0; i < series.size(); ++i) {
      if (r >= series[i].round_fps.size()) continue;
      double v = series[i].round_fps[r];
      rect(svg, gx + bar * static_cast<double>(i), p.y(v), bar, kBottom - p.y(v), color(i),
           series[i].label + ", round " + std::to_string(r + 1) + ": " + label_num(v) + " FPS");
    }
    svg << "<text x=\"" << num(gx + group * 0.4) << "\" y=\"" << num(kBottom + 16)
        << "\" text-anchor=\"middle\" font-size=\"11\">" << r + 1 << "</text>\n";
  }
}

void latency_panel(std::ostringstream& svg, const std::vector<PlotSeries>& series) {
  double max = 0;
  for (const PlotSeries& s : series)
    for (double v : s.latencies_ms) max = std::max(max, v);
  Panel p = axes(svg, 580, 960, max, "Latency distribution (ms)", "config");
  const double slot = (p.x1 - p.x0) / static_cast<double>(series.size());
  for (size_t i = 0; i < series.size(); ++i) {
    std::vector<double> v = series[i].latencies_ms;
    std::sort(v.begin(), v.end());
    if (v.empty()) continue;
    const double cx = p.x0 + slot * (static_cast<double>(i) + 0.5), half = std::min(40.0, slot * 0.3);
    const double q1 = quantile(v, 0.25), q2 = quantile(v, 0.5), q3 = quantile(v, 0.75);
    const double lo = quantile(v, 0.01), hi = quantile(v, 0.99);
    line(svg, cx, p.y(lo), cx, p.y(q1), "#333", 1);
    line(svg, cx, p.y(q3), cx, p.y(hi), "#333", 1);
    line(svg, cx - half / 2, p.y(lo), cx + half / 2, p.y(lo), "#333", 1);
    line(svg, cx - half / 2, p.y(hi), cx + half / 2, p.y(hi), "#333", 1);
    rect(svg, cx - half, p.y(q3), 2 * half, p.y(q1) - p.y(q3), color(i),
         series[i].label + ": median " + label_num(q2) + " ms, quartiles " + label_num(q1) + " - " +
             label_num(q3) + " ms, " + std::to_string(v.size()) + " inferences");
    line(svg, cx - half, p.y(q2), cx + half, p.y(q2), "#000", 2);
    for (double extreme : {v.front(), v.back()})
      svg << "<circle cx=\"" << num(cx) << "\" cy=\"" << num(p.y(extreme)) << "\" r=\"2.5\" fill=\"none\" "
          << "stroke=\"#333\"/>\n";
    svg << "<text x=\"" << num(cx) << "\" y=\"" << num(kBottom + 16)
        << "\" text-anchor=\"middle\" font-size=\"11\">" << escape(series[i].label) << "</text>\n";
  }
}

}  // namespace

void write_plot(const std::filesystem::path& path, const std::vector<PlotSeries>& series) {
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
      << "\" viewBox=\"0 0 " << kWidth << " " << kHeight << "\" font-family=\"sans-serif\">\n";
  svg << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg << "<text x=\"" << kWidth / 2
      << "\" y=\"24\" text-anchor=\"middle\" font-size=\"17\">sparrow bench --compare"
      << "</text>\n";
  double x = 70;
  for (size_t i = 0; i < series.size(); ++i) {
    svg << "<rect x=\"" << num(x) << "\" y=\"38\" width=\"12\" height=\"12\" fill=\"" << color(i) << "\"/>\n";
    svg << "<text x=\"" << num(x + 17) << "\" y=\"49\" font-size=\"12\">" << escape(series[i].label)
        << "</text>\n";
    x += 40 + 7.0 * static_cast<double>(series[i].label.size());
  }
  throughput_panel(svg, series);
  latency_panel(svg, series);
  svg << "</svg>\n";
  std::ofstream out(path);
  SPARROW_CHECK(out, path.string(), ": cannot write the --plot file");
  out << svg.str();
  SPARROW_CHECK(out.flush(), path.string(), ": cannot write the --plot file");
}

}  // namespace sparrow::tools::bench
