import type { APIEmbed } from 'discord.js';
import type { Heatmap } from '../../domain/heatmap.js';
import { field, type MessageView } from './common.js';
import { HEATMAP_FILE_NAME, renderHeatmapPng } from './heatmap.js';
import { days } from './stats.js';

/** A PNG sent with a message, as discord.js takes it. */
export interface FileAttachment {
  attachment: Buffer;
  name: string;
}

const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "Mon 5 Jan 2026" for a calendar date. */
function dayLabel(day: string): string {
  return DAY_FORMAT.format(new Date(`${day}T00:00:00Z`)).replace(',', '');
}

/** The heatmap's numbers, shown beside the calendar. */
export function heatmapFields(heatmap: Heatmap): APIEmbed['fields'] {
  return [
    field('Days studied', `${heatmap.daysStudied} of the last 365`, true),
    field('Calendar streak', `${days(heatmap.currentStreak)} · best ${days(heatmap.bestStreak)}`, true),
    field('Busiest day', heatmap.busiest ? `${dayLabel(heatmap.busiest.day)} · ${heatmap.busiest.count} card${heatmap.busiest.count === 1 ? '' : 's'}` : '—', true),
  ];
}

/**
 * /stats with the study calendar: the PNG attached and set as the embed's image, and its numbers as
 * fields (the days are counted in the member's timezone, named in the footer).
 */
export function withHeatmap(view: MessageView, heatmap: Heatmap): MessageView & { files: FileAttachment[] } {
  const [embed, ...rest] = view.embeds;
  const footer = embed?.footer?.text;
  const withCalendar: APIEmbed = {
    ...embed,
    fields: [...(embed?.fields ?? []), ...(heatmapFields(heatmap) ?? [])],
    image: { url: `attachment://${HEATMAP_FILE_NAME}` },
    footer: { text: `${footer ? `${footer} ` : ''}Calendar days in ${heatmap.timeZone}.` },
  };
  return { ...view, embeds: [withCalendar, ...rest], files: [{ attachment: renderHeatmapPng(heatmap), name: HEATMAP_FILE_NAME }] };
}
