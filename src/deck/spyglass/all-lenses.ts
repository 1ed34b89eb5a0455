// The lenses deck has (upstream registers more: coverage, html, markdown, restcoverage, remote lenses).
import { buildLogLens } from './lens-buildlog.js';
import { junitLens } from './lens-junit.js';
import { linksLens } from './lens-links.js';
import { metadataLens } from './lens-metadata.js';
import { podInfoLens } from './lens-podinfo.js';
import type { Lens } from './lenses.js';

export const LENSES: readonly Lens[] = [metadataLens, buildLogLens, junitLens, linksLens, podInfoLens];
