/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>

#include <apr_strings.h>

#include "analyses/pl_snapshot_svg.h"
#include "analyses/pl_snapshots.h"

#define W 400
#define H 120
#define LEFT 36       /* room for "100%" */
#define RIGHT 8
#define TOP 18        /* the title */
#define BOTTOM 18     /* the dates */

const char *pl_svg_escape(apr_pool_t *p, const char *s)
{
    apr_size_t n = 0;
    const char *c;
    char *out, *o;

    if (!s)
        return "";
    for (c = s; *c; c++)
        n += *c == '&' ? 5 : *c == '<' || *c == '>' ? 4 : *c == '"' || *c == '\'' ? 6 : 1;
    o = out = apr_palloc(p, n + 1);
    for (c = s; *c; c++) {
        const char *rep = *c == '&' ? "&amp;" : *c == '<' ? "&lt;" : *c == '>' ? "&gt;"
                        : *c == '"' ? "&quot;" : *c == '\'' ? "&apos;" : NULL;
        if (rep) {
            memcpy(o, rep, strlen(rep));
            o += strlen(rep);
        }
        else
            *o++ = *c;
    }
    *o = '\0';
    return out;
}

/* shields.io's colours, by how much is done. */
static const char *colour_of(double v)
{
    return v < 0 ? "#9f9f9f" : v >= 90 ? "#4c1" : v >= 75 ? "#97ca00" : v >= 50 ? "#dfb317"
         : v >= 25 ? "#fe7d37" : "#e05d44";
}

/* Verdana 11px is about 7 pixels a character; 10 of padding. */
static int text_width(const char *s)
{
    return (int)strlen(s) * 7 + 10;
}

const char *pl_svg_badge(apr_pool_t *p, const char *label, double observed)
{
    const char *value = observed < 0 ? "unknown" : apr_psprintf(p, "%.0f%%", floor(observed + 0.5));
    const char *l = pl_svg_escape(p, label), *v = pl_svg_escape(p, value);
    int lw = text_width(label), vw = text_width(value), w = lw + vw;

    return apr_psprintf(p,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"20\" role=\"img\""
        " aria-label=\"%s: %s\">"
        "<title>%s: %s</title>"
        "<linearGradient id=\"s\" x2=\"0\" y2=\"100%%\"><stop offset=\"0\" stop-color=\"#bbb\""
        " stop-opacity=\".1\"/><stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>"
        "<clipPath id=\"r\"><rect width=\"%d\" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath>"
        "<g clip-path=\"url(#r)\"><rect width=\"%d\" height=\"20\" fill=\"#555\"/>"
        "<rect x=\"%d\" width=\"%d\" height=\"20\" fill=\"%s\"/>"
        "<rect width=\"%d\" height=\"20\" fill=\"url(#s)\"/></g>"
        "<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu Sans,"
        "sans-serif\" font-size=\"11\">"
        "<text x=\"%d\" y=\"15\" fill=\"#010101\" fill-opacity=\".3\">%s</text>"
        "<text x=\"%d\" y=\"14\">%s</text>"
        "<text x=\"%d\" y=\"15\" fill=\"#010101\" fill-opacity=\".3\">%s</text>"
        "<text x=\"%d\" y=\"14\">%s</text></g></svg>\n",
        w, l, v, l, v, w, lw, lw, vw, colour_of(observed), w,
        lw / 2, l, lw / 2, l, lw + vw / 2, v, lw + vw / 2, v);
}

/* The polyline of one series (claimed or observed) over the points. */
static const char *polyline(apr_pool_t *p, const apr_array_header_t *points, int observed,
                            const char *colour, const char *dash)
{
    const char *pts = "";
    int i, n = points->nelts, plot_w = W - LEFT - RIGHT, plot_h = H - TOP - BOTTOM;

    for (i = 0; i < n; i++) {
        const pl_snapshot_t *s = APR_ARRAY_IDX(points, i, pl_snapshot_t *);
        double v = observed ? s->a->observed : s->a->claimed;
        double x = LEFT + (n > 1 ? (double)plot_w * i / (n - 1) : plot_w / 2.0);
        double y;

        if (v < 0)
            continue;
        v = v > 100 ? 100 : v;
        y = TOP + plot_h * (1 - v / 100.0);
        pts = apr_psprintf(p, "%s%s%.1f,%.1f", pts, *pts ? " " : "", x, y);
        if (n == 1)   /* one snapshot: a short level line, so it shows */
            pts = apr_psprintf(p, "%.1f,%.1f %.1f,%.1f", x - 6, y, x + 6, y);
    }
    return apr_psprintf(p, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s"
                        " points=\"%s\"/>", colour, dash, pts);
}

const char *pl_svg_trend_chart(apr_pool_t *p, const char *title,
                               const apr_array_header_t *points)
{
    const pl_snapshot_t *first = points->nelts ? APR_ARRAY_IDX(points, 0, pl_snapshot_t *) : NULL;
    const pl_snapshot_t *last = points->nelts
                                ? APR_ARRAY_IDX(points, points->nelts - 1, pl_snapshot_t *) : NULL;
    int bottom = H - BOTTOM;

    return apr_pstrcat(p,
        apr_psprintf(p, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                     " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", W, H, W, H,
                     pl_svg_escape(p, title)),
        "<title>", pl_svg_escape(p, title), "</title>",
        apr_psprintf(p, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", W, H),
        "<g font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" font-size=\"10\""
        " fill=\"#333\">",
        apr_psprintf(p, "<text x=\"%d\" y=\"12\">%s</text>", LEFT, pl_svg_escape(p, title)),
        apr_psprintf(p, "<text x=\"%d\" y=\"12\" text-anchor=\"end\" fill=\"#4c1\">observed</text>"
                     "<text x=\"%d\" y=\"12\" text-anchor=\"end\" fill=\"#08c\">claimed</text>",
                     W - RIGHT, W - RIGHT - 60),
        apr_psprintf(p, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">100%%</text>"
                     "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0%%</text>",
                     LEFT - 4, TOP + 4, LEFT - 4, bottom),
        first ? apr_psprintf(p, "<text x=\"%d\" y=\"%d\">%s</text>", LEFT, H - 4,
                             pl_svg_escape(p, first->period ? first->period : "")) : "",
        last && last != first
              ? apr_psprintf(p, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
                             W - RIGHT, H - 4, pl_svg_escape(p, last->period ? last->period : ""))
              : "",
        first ? "" : apr_psprintf(p, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">no complete"
                                  " analysis yet</text>", (LEFT + W - RIGHT) / 2, H / 2 + 4),
        "</g>",
        apr_psprintf(p, "<path fill=\"none\" stroke=\"#ccc\" d=\"M%d %dV%dH%d\"/>", LEFT, TOP,
                     bottom, W - RIGHT),
        points->nelts ? polyline(p, points, 0, "#08c", " stroke-dasharray=\"4 3\"") : "",
        points->nelts ? polyline(p, points, 1, "#4c1", "") : "",
        "</svg>\n", NULL);
}
