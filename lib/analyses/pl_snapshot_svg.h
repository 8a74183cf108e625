/* SPDX-License-Identifier: Apache-2.0 */
/* The two pictures of a project's progress, rendered here so a README can
 * show them without a browser running our code: a shields-style flat
 * badge ("plan | 63%") and a small burn-up chart of the claimed and the
 * observed completion. Plain SVG: shapes, text and presentation attributes
 * only (no script, no style element, no external reference), every text
 * XML-escaped. */
#ifndef PL_SNAPSHOT_SVG_H
#define PL_SNAPSHOT_SVG_H

#include <apr_pools.h>
#include <apr_tables.h>

/* XML text and attribute escaping (&, <, >, ", '). */
const char *pl_svg_escape(apr_pool_t *p, const char *s);

/* observed: percent, or below 0 for no complete analysis ("unknown"). */
const char *pl_svg_badge(apr_pool_t *p, const char *label, double observed);

/* The trend's points (pl_snapshot_t *, oldest first), 400x120. */
const char *pl_svg_trend_chart(apr_pool_t *p, const char *title,
                               const apr_array_header_t *points);

#endif
