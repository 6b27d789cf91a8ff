/**
 * @module
 * The desktop applications of the simulated office: install paths, how they are launched, the
 * documents people open, and the shares on the file server.
 */
import type { Share } from '../activity/smb.js';

/** Executable paths of user applications. */
export const APPS = {
  chrome: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  msedge: 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
  outlook: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE',
  word: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
  excel: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE',
  powerpnt: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\POWERPNT.EXE',
  acrobat: 'C:\\Program Files (x86)\\Adobe\\Acrobat Reader DC\\Reader\\AcroRd32.exe',
  notepad: 'C:\\Windows\\System32\\notepad.exe',
  cmd: 'C:\\Windows\\System32\\cmd.exe',
  powershell: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  conhost: 'C:\\Windows\\System32\\conhost.exe',
  explorer: 'C:\\Windows\\explorer.exe',
  userinit: 'C:\\Windows\\System32\\userinit.exe',
  sihost: 'C:\\Windows\\System32\\sihost.exe',
} as const;

/** Per-user install paths (Teams, OneDrive live in the profile). */
export function userApps(sam: string): { teams: string; onedrive: string } {
  return {
    teams: `C:\\Users\\${sam}\\AppData\\Local\\Microsoft\\WindowsApps\\ms-teams.exe`,
    onedrive: `C:\\Users\\${sam}\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe`,
  };
}

/** Document names people work on, by application. */
export const DOCUMENTS = {
  word: [
    'Q3 board report.docx',
    'Meeting notes.docx',
    'Offer letter template.docx',
    'Project plan v2.docx',
    'Policy draft.docx',
  ],
  excel: ['Budget 2024.xlsx', 'Sales pipeline.xlsx', 'Timesheet.xlsx', 'Inventory.xlsx', 'Expense claims.xlsx'],
  powerpnt: ['All-hands.pptx', 'Customer pitch.pptx', 'Roadmap.pptx'],
  acrobat: ['Invoice-10442.pdf', 'Contract signed.pdf', 'Datasheet.pdf', 'Travel policy.pdf'],
} as const;

/** Shares of the file server. */
export const SHARES: readonly Share[] = [
  { name: 'Finance', path: 'D:\\Shares\\Finance' },
  { name: 'HR', path: 'D:\\Shares\\HR' },
  { name: 'Projects', path: 'D:\\Shares\\Projects' },
  { name: 'Public', path: 'D:\\Shares\\Public' },
];

/** Files on the shares. */
export const SHARE_FILES = [
  'Reports\\2024\\monthly-close.xlsx',
  'Contracts\\supplier-agreement.pdf',
  'Templates\\letterhead.dotx',
  'Planning\\roadmap.pptx',
  'Payroll\\payroll-summary.xlsx',
  'Onboarding\\checklist.docx',
] as const;
